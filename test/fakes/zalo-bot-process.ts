import type { ArrivalSpan, LimitMode } from "./arrival-judge.js";
import { startFakeProcess } from "./fake-process.js";
import { watchSecret } from "../support/log-watch.js";

/**
 * The fake Zalo Bot API (zalo-bot-api.ts) in a process of its own (fake-process.ts says why), for the
 * strict pacing tests: its sendMessage limit judged on arrival by its own clock.
 */
export interface FakeZaloBotProcess {
  url: string;
  token: string;
  /** Accepted sendMessage calls, sends refused for the limit, and the most accepted in any second. */
  state(): Promise<{ sent: { chatId: string; text: string; messageId: string }[]; refused: number; maxInWindow: number; span: ArrivalSpan }>;
  /** Set the limit (and mode) and the latency of answers; `reset` forgets the arrivals and counts judged so far. */
  limit(o: { limit?: number; mode?: LimitMode; reset?: boolean; latencyMs?: number }): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeZaloBotProcess(): Promise<FakeZaloBotProcess> {
  const fake = await startFakeProcess<{ url: string; token: string }>("test/fakes/zalo-bot-server.ts");
  // The bot's token must never reach the service's log (test/support/log-watch.ts).
  watchSecret(fake.info.token);
  return {
    ...fake.info,
    state: () => fake.call("/__fake/state"),
    limit: async (o) => void (await fake.call("/__fake/limit", o)),
    close: () => fake.close(),
  };
}
