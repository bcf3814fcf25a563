import http from "node:http";
import type { AddressInfo } from "node:net";
import { createHash, randomBytes } from "node:crypto";
import { createArrivalJudge, type ArrivalJudge, type LimitMode } from "./arrival-judge.js";
import { nextCalls } from "./next-calls.js";
import { watchResidentText, watchSecret } from "../support/log-watch.js";

/**
 * A local fake of the Zalo OA Open API and OAuth token endpoint (127.0.0.1, random port), following
 * reference/zalo-api.md: the `{error, message, data}` envelope with HTTP 200 even for errors, ids as
 * strings beyond 2^53, single-use rotating refresh tokens (old refresh token refused, old access token
 * refused after rotation with -216, an expired one with -220), the 7-day window (-230), -32 throttling,
 * and webhook events signed the documented way. `limit.configure({ limit })` judges sends on arrival against
 * a rate limit (strict sliding second by default) and answers -32 beyond it: every send counts, one refused for
 * its token too (a platform may count every call it receives).
 * Control over HTTP too (`zalo-oa-process.ts` runs it in a process of its own): GET /__fake/state (info, sent,
 * refused, maxInWindow, span, refreshCalls), POST /__fake/limit {limit, mode, reset, latencyMs} (latency: added
 * to each send's answer after it was judged), POST /__fake/interacted
 * {userIds} (each user interacting now), POST /__fake/expire (the access token expired).
 */
export interface FakeOaSent {
  path: string;
  userId: string;
  text?: string;
  buttons?: { title: string; type: string; payload: unknown }[];
  templateId?: string;
  templateData?: unknown;
  messageId: string;
}

export interface FakeZaloOa {
  url: string;
  appId: string;
  appSecret: string;
  oaId: string;
  oaSecretKey: string;
  /** Tokens currently valid. */
  accessToken: string;
  refreshToken: string;
  sent: FakeOaSent[];
  /** How many refresh calls reached the OAuth endpoint (accepted or not). */
  refreshCalls: number;
  /** Delay of the OAuth endpoint (ms), to make two refreshes overlap. */
  refreshDelayMs: number;
  /** Answer the next n sends with -32. */
  throttleNext(n: number): void;
  /** The rate limit judged on arrival (none until configured); its records (per-user arrivals, most in a second). */
  limit: ArrivalJudge;
  /** Make the current access token expired (-220) until the next refresh. */
  expireAccessToken(): void;
  /** Answer -201 to messages carrying buttons (a /message/cs that does not take button templates). */
  rejectButtons: boolean;
  /** Answer the next n sends with this error code. */
  failNext(code: number, message: string, n?: number): void;
  /** Answer the next n sends with this HTTP status and a plain-text body (no envelope: a proxy, an outage). */
  failNextHttp(status: number, n?: number): void;
  /** Drop the connection of the next n sends without answering. */
  dropNext(n?: number): void;
  /** Set a user's last interaction (epoch ms) as Zalo knows it; unknown users are outside the window. */
  setLastInteraction(userId: string, atMs: number): void;
  /** Build a signed webhook request for an event object (timestamp filled in when absent). */
  signedEvent(event: Record<string, unknown>): { rawBody: string; headers: Record<string, string> };
  /** Event builders (user ids as strings; the user counts as interacting now). */
  userText(userId: string, text: string, msgId?: string): Record<string, unknown>;
  follow(userId: string): Record<string, unknown>;
  unfollow(userId: string): Record<string, unknown>;
  /** Texts sent to one user, in order. */
  textsTo(userId: string): string[];
  close(): Promise<void>;
}

/** What a test needs of the fake to configure the channel and load its first token pair (also across processes). */
export type FakeZaloOaInfo = Pick<FakeZaloOa, "url" | "appId" | "appSecret" | "oaId" | "oaSecretKey" | "accessToken" | "refreshToken">;

/** The fake's info as it stands (the tokens change with each refresh). */
export function fakeOaInfo(fake: FakeZaloOa): FakeZaloOaInfo {
  const { url, appId, appSecret, oaId, oaSecretKey, accessToken, refreshToken } = fake;
  return { url, appId, appSecret, oaId, oaSecretKey, accessToken, refreshToken };
}

const WINDOW_MS = 7 * 86_400_000;

/** A random decimal id longer than 2^53, like Zalo's. */
export function bigId(): string {
  return "7" + BigInt("0x" + randomBytes(8).toString("hex")).toString().padStart(19, "0").slice(0, 18);
}

export async function startFakeZaloOa(): Promise<FakeZaloOa> {
  const appId = "1234567890123456789";
  const oaSecretKey = "oa-secret-" + randomBytes(6).toString("hex");
  let throttle = 0;
  let failures: { code: number; message: string; n: number } | null = null;
  const httpFailures = nextCalls<number>();
  const drops = nextCalls<true>();
  let expired = false;
  let latencyMs = 0;
  const lastInteraction = new Map<string, number>();
  let counter = 0;

  const state: FakeZaloOa = {
    limit: createArrivalJudge(),
    url: "",
    appId,
    appSecret: "app-secret-" + randomBytes(6).toString("hex"),
    oaId: "4318205566987654321",
    oaSecretKey,
    accessToken: "access-0-" + randomBytes(6).toString("hex"),
    refreshToken: "refresh-0-" + randomBytes(6).toString("hex"),
    sent: [],
    refreshCalls: 0,
    refreshDelayMs: 0,
    rejectButtons: false,
    throttleNext: (n) => void (throttle = n),
    expireAccessToken: () => void (expired = true),
    failNext: (code, message, n = 1) => void (failures = { code, message, n }),
    failNextHttp: (status, n = 1) => httpFailures.arm(n, status),
    dropNext: (n = 1) => drops.arm(n, true),
    setLastInteraction: (userId, atMs) => void lastInteraction.set(userId, atMs),
    signedEvent(event) {
      const e = { app_id: appId, timestamp: String(Date.now()), ...event };
      const rawBody = JSON.stringify(e);
      const mac = createHash("sha256").update(appId + rawBody + String(e.timestamp) + oaSecretKey).digest("hex");
      return { rawBody, headers: { "content-type": "application/json", "x-zevent-signature": `mac=${mac}` } };
    },
    userText(userId, text, msgId = "msg" + bigId()) {
      watchResidentText(text);
      lastInteraction.set(userId, Date.now());
      return {
        app_id: appId,
        sender: { id: userId },
        user_id_by_app: "9" + userId.slice(1),
        recipient: { id: state.oaId },
        event_name: "user_send_text",
        message: { text, msg_id: msgId },
        timestamp: String(Date.now()),
      };
    },
    follow(userId) {
      lastInteraction.set(userId, Date.now());
      return { oa_id: state.oaId, follower: { id: userId }, user_id_by_app: "9" + userId.slice(1), event_name: "follow", source: "oa_profile", app_id: appId, timestamp: String(Date.now()) };
    },
    unfollow(userId) {
      return { oa_id: state.oaId, follower: { id: userId }, user_id_by_app: "9" + userId.slice(1), event_name: "unfollow", source: "oa_profile", app_id: appId, timestamp: String(Date.now()) };
    },
    textsTo(userId) {
      return state.sent.filter((s) => s.userId === userId && s.text !== undefined).map((s) => s.text!);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  // The OA's secrets and tokens must never reach the service's log (test/support/log-watch.ts).
  for (const secret of [state.appSecret, oaSecretKey, state.accessToken, state.refreshToken]) watchSecret(secret);

  const answer = (res: http.ServerResponse, body: unknown, status = 200) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  };
  /** A send's answer, after the platform's latency (set over HTTP; the benchmark's 80 ms). */
  const later = (res: http.ServerResponse, body: unknown) => void (latencyMs > 0 ? setTimeout(() => answer(res, body), latencyMs) : answer(res, body));
  const err = (res: http.ServerResponse, error: number, message: string) => later(res, { error, message });

  function control(path: string, raw: string, res: http.ServerResponse) {
    if (path === "/__fake/state") {
      const sent = state.sent.map(({ path: p, userId, text, messageId }) => ({ path: p, userId, text, messageId }));
      return answer(res, { ...fakeOaInfo(state), sent, refused: state.limit.refused(), maxInWindow: state.limit.maxInWindow(), span: state.limit.span(), refreshCalls: state.refreshCalls });
    }
    let o: { limit?: number; mode?: LimitMode; reset?: boolean; latencyMs?: number; userIds?: string[] };
    try {
      o = JSON.parse(raw || "{}") as typeof o;
    } catch {
      return answer(res, { error: "body is not JSON" }, 400);
    }
    if (path === "/__fake/limit") {
      if (o.reset) state.limit.reset();
      state.limit.configure({ limit: o.limit, mode: o.mode });
      if (o.latencyMs !== undefined) latencyMs = o.latencyMs;
      return answer(res, { ok: true });
    }
    if (path === "/__fake/interacted") {
      for (const id of o.userIds ?? []) lastInteraction.set(id, Date.now());
      return answer(res, { ok: true });
    }
    if (path === "/__fake/expire") {
      state.expireAccessToken();
      return answer(res, { ok: true });
    }
    return answer(res, { error: "no such control" }, 404);
  }

  /** The recipient of a send's body (template: user_id; cs: recipient.user_id), "" when unreadable. */
  function recipientOf(body: { recipient?: { user_id?: unknown }; user_id?: unknown } | undefined): string {
    const id = body?.recipient?.user_id ?? body?.user_id;
    return typeof id === "string" || typeof id === "number" ? String(id) : "";
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const path = (req.url ?? "").split("?")[0]!;
      if (path.startsWith("/__fake/")) return control(path, raw, res);
      if (req.method === "POST" && path === "/v4/oa/access_token") {
        state.refreshCalls++;
        const form = new URLSearchParams(raw);
        setTimeout(() => {
          if (req.headers.secret_key !== state.appSecret) {
            answer(res, { error: -14002, error_name: "Invalid parameter", error_description: "invalid secret_key" });
            return;
          }
          if (form.get("grant_type") !== "refresh_token" || form.get("app_id") !== appId || form.get("refresh_token") !== state.refreshToken) {
            answer(res, { error: -14014, error_name: "Invalid refresh token", error_description: "refresh token is invalid or already used" });
            return;
          }
          const n = state.refreshCalls;
          state.accessToken = `access-${n}-${randomBytes(6).toString("hex")}`;
          state.refreshToken = `refresh-${n}-${randomBytes(6).toString("hex")}`;
          expired = false;
          watchSecret(state.accessToken);
          watchSecret(state.refreshToken);
          answer(res, { access_token: state.accessToken, refresh_token: state.refreshToken, expires_in: "90000" });
        }, state.refreshDelayMs);
        return;
      }
      if (req.method !== "POST" || (path !== "/v3.0/oa/message/cs" && path !== "/v3.0/oa/message/template")) {
        err(res, -240, "API is not supported (fake)");
        return;
      }
      if (drops.take()) return void req.socket.destroy();
      const status = httpFailures.take();
      if (status) {
        res.writeHead(status, { "content-type": "text/plain" });
        res.end(`HTTP ${status}`);
        return;
      }
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the fake reads arbitrary JSON
      let body: Record<string, any> | undefined;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      // Judged on arrival, before anything else: a call refused for its token counted too.
      if (!state.limit.admit(recipientOf(body))) return err(res, -32, "The request rate exceeds the limit");
      if (req.headers.access_token !== state.accessToken) return err(res, -216, "Access token is invalid");
      if (expired) return err(res, -220, "Access token has expired");
      if (throttle > 0) {
        throttle--;
        return err(res, -32, "The request rate exceeds the limit");
      }
      if (failures && failures.n > 0) {
        failures.n--;
        return err(res, failures.code, failures.message);
      }
      if (body === undefined) return err(res, -201, "Body is not valid JSON");
      const messageId = "m" + bigId();
      if (path === "/v3.0/oa/message/template") {
        if (typeof body.user_id !== "string" || typeof body.template_id !== "string") return err(res, -201, "Parameter is invalid");
        state.sent.push({ path, userId: body.user_id, templateId: body.template_id, templateData: body.template_data, messageId });
        return later(res, `{"error":0,"message":"Success","data":{"msg_id":"${messageId}","sent_time":"${Date.now()}"}}`);
      }
      const userId = body.recipient?.user_id;
      const text = body.message?.text;
      if (typeof userId !== "string" || typeof text !== "string" || !text) return err(res, -201, "Parameter is invalid");
      if (Array.from(text).length > 2000) return err(res, -201, "Text is too long");
      const buttons = body.message?.attachment?.payload?.buttons;
      if (buttons && state.rejectButtons) return err(res, -201, "Parameter attachment is invalid");
      const last = lastInteraction.get(userId);
      if (last === undefined || Date.now() - last > WINDOW_MS) return err(res, -230, "User has not interacted with the OA in the last 7 days");
      state.sent.push({ path, userId, text, buttons, messageId });
      counter++;
      // Written by hand so that ids stay unquoted-safe strings and quota numbers are numbers.
      later(res, `{"error":0,"message":"Success","data":{"message_id":"${messageId}","user_id":"${userId}","sent_time":"${Date.now()}","quota":{"quota_type":"reply","remain":${1000 - counter},"total":1000}}}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
