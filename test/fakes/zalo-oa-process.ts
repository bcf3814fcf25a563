import type { ArrivalSpan, LimitMode } from "./arrival-judge.js";
import { startFakeProcess } from "./fake-process.js";
import { watchSecret } from "../support/log-watch.js";
import type { FakeZaloOaInfo } from "./zalo-oa-api.js";

/**
 * The fake Zalo OA API (zalo-oa-api.ts) in a process of its own (fake-process.ts says why), for the strict
 * pacing tests: every send judged on arrival by its own clock against its limit.
 */
export interface FakeZaloOaProcess extends FakeZaloOaInfo {
  /** Accepted sends, sends refused for the limit, the most accepted in any second, token refreshes; the current tokens. */
  state(): Promise<FakeZaloOaInfo & { sent: { path: string; userId: string; text?: string; messageId: string }[]; refused: number; maxInWindow: number; span: ArrivalSpan; refreshCalls: number }>;
  /** Set the limit (and mode) and the latency of answers; `reset` forgets the arrivals and counts judged so far. */
  limit(o: { limit?: number; mode?: LimitMode; reset?: boolean; latencyMs?: number }): Promise<void>;
  /** These users write to the OA now (inside the 7-day window from now on). */
  interacted(userIds: string[]): Promise<void>;
  /** The current access token expires: the next send is answered -220 until a refresh. */
  expireAccessToken(): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeZaloOaProcess(): Promise<FakeZaloOaProcess> {
  const fake = await startFakeProcess<FakeZaloOaInfo>("test/fakes/zalo-oa-server.ts");
  // The OA's secrets and tokens must never reach the service's log (test/support/log-watch.ts); the tokens a
  // refresh issues later are only known to the fake's process.
  for (const secret of [fake.info.appSecret, fake.info.oaSecretKey, fake.info.accessToken, fake.info.refreshToken]) watchSecret(secret);
  return {
    ...fake.info,
    state: () => fake.call("/__fake/state"),
    limit: async (o) => void (await fake.call("/__fake/limit", o)),
    interacted: async (userIds) => void (await fake.call("/__fake/interacted", { userIds })),
    expireAccessToken: async () => void (await fake.call("/__fake/expire", {})),
    close: () => fake.close(),
  };
}
