import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { createArrivalJudge, type ArrivalJudge, type LimitMode } from "./arrival-judge.js";
import { nextCalls } from "./next-calls.js";
import { watchResidentText, watchSecret } from "../support/log-watch.js";

/**
 * A local fake of the Zalo Bot API (127.0.0.1, random port): `/bot<TOKEN>/<method>`, `{ok, result}` or
 * `{ok:false, error_code, description}`; sendMessage 1–2000 chars; getUpdates returns ONE update or 408
 * after the poll timeout; a wrong token is 401; blocked chats 403; throttling 429 (scripted, or beyond the
 * rate limit judged on arrival once `limit.configure({ limit })` sets one: a strict sliding second by default).
 * Control over HTTP too (`zalo-bot-process.ts` runs it in a process of its own): GET /__fake/state (sent,
 * refused, maxInWindow, span), POST /__fake/limit {limit, mode, reset, latencyMs} (latency: added to each
 * sendMessage answer after the send was judged).
 */
export interface FakeZaloBot {
  url: string;
  token: string;
  sent: { chatId: string; text: string; messageId: string }[];
  methods: string[];
  /** The last setWebhook body. */
  webhook: { url?: string; secret_token?: string } | null;
  /** Queue an update for getUpdates. */
  queueUpdate(update: Record<string, unknown>): void;
  throttleNext(n: number): void;
  /** The sendMessage rate limit judged on arrival (none until configured) and its records. */
  limit: ArrivalJudge;
  block(chatId: string): void;
  /** Answer the next n sendMessage calls with this status and error_code (5xx, 400…). */
  failNext(code: number, description: string, n?: number): void;
  /** Drop the connection of the next n sendMessage calls without answering. */
  dropNext(n?: number): void;
  /** Longest a getUpdates call waits when nothing is queued (ms); the real API waits `timeout` s. */
  pollWaitMs: number;
  /** Build an update as Zalo sends it (bare; wrap it in {ok,result} for the documented form). */
  textUpdate(chatId: string, text: string, messageId?: string): Record<string, unknown>;
  textsTo(chatId: string): string[];
  close(): Promise<void>;
}

export async function startFakeZaloBot(): Promise<FakeZaloBot> {
  const token = `1234567:${randomBytes(12).toString("hex")}`;
  // The bot's token must never reach the service's log (test/support/log-watch.ts).
  watchSecret(token);
  const updates: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  const blocked = new Set<string>();
  let throttle = 0;
  let latencyMs = 0;
  const failures = nextCalls<{ code: number; description: string }>();
  const drops = nextCalls<true>();
  let n = 0;
  const state: FakeZaloBot = {
    url: "",
    token,
    sent: [],
    methods: [],
    webhook: null,
    limit: createArrivalJudge(),
    pollWaitMs: 300,
    queueUpdate(u) {
      updates.push(u);
      waiters.splice(0).forEach((w) => w());
    },
    throttleNext: (k) => void (throttle = k),
    block: (chatId) => void blocked.add(chatId),
    failNext: (code, description, k = 1) => failures.arm(k, { code, description }),
    dropNext: (k = 1) => drops.arm(k, true),
    textUpdate(chatId, text, messageId = randomBytes(8).toString("hex")) {
      watchResidentText(text);
      return {
        event_name: "message.text.received",
        message: { message_id: messageId, date: Date.now(), text, from: { id: chatId, display_name: "Chị Mai", is_bot: false }, chat: { id: chatId, chat_type: "PRIVATE" } },
      };
    },
    textsTo: (chatId) => state.sent.filter((s) => s.chatId === chatId).map((s) => s.text),
    close: () =>
      new Promise<void>((resolve) => {
        waiters.splice(0).forEach((w) => w());
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const reply = (res: http.ServerResponse, status: number, body: unknown) => {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const fail = (res: http.ServerResponse, code: number, description: string) => reply(res, code, { ok: false, error_code: code, description });
  /** Control over HTTP, for when the fake runs in a process of its own (zalo-bot-process.ts). */
  const control = (path: string, body: string, res: http.ServerResponse) => {
    if (path === "/__fake/state") return reply(res, 200, { sent: state.sent, refused: state.limit.refused(), maxInWindow: state.limit.maxInWindow(), span: state.limit.span() });
    if (path === "/__fake/limit") {
      let o: { limit?: number; mode?: LimitMode; reset?: boolean; latencyMs?: number };
      try {
        o = JSON.parse(body || "{}") as typeof o;
      } catch {
        return fail(res, 400, "Bad Request: body is not JSON");
      }
      if (o.reset) state.limit.reset();
      state.limit.configure({ limit: o.limit, mode: o.mode });
      if (o.latencyMs !== undefined) latencyMs = o.latencyMs;
      return reply(res, 200, { ok: true });
    }
    return fail(res, 404, "Not Found");
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.url?.startsWith("/__fake/")) return control(req.url, Buffer.concat(chunks).toString("utf8"), res);
      const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec((req.url ?? "").split("?")[0]!);
      if (!m) return fail(res, 404, "Not Found");
      if (m[1] !== token) return fail(res, 401, "Unauthorized");
      const method = m[2]!;
      state.methods.push(method);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the fake reads arbitrary JSON
      let body: Record<string, any>;
      try {
        const raw = Buffer.concat(chunks).toString("utf8");
        body = raw ? JSON.parse(raw) : {};
      } catch {
        return fail(res, 400, "Bad Request: body is not JSON");
      }
      switch (method) {
        case "getMe":
          return reply(res, 200, { ok: true, result: { id: "1234567", account_name: "gopy_bot", account_type: "BASIC", can_join_groups: false } });
        case "setWebhook":
          if (typeof body.url !== "string" || !body.url.startsWith("https://")) return fail(res, 400, "Bad Request: url must be https");
          if (typeof body.secret_token !== "string" || body.secret_token.length < 8 || body.secret_token.length > 256) return fail(res, 400, "Bad Request: secret_token must be 8-256 characters");
          state.webhook = { url: body.url, secret_token: body.secret_token };
          return reply(res, 200, { ok: true, result: { url: body.url, updated_at: Date.now() } });
        case "deleteWebhook":
          state.webhook = null;
          return reply(res, 200, { ok: true, result: { url: body.url ?? "", updated_at: Date.now() } });
        case "sendMessage": {
          if (throttle > 0) {
            throttle--;
            return fail(res, 429, "Too Many Requests");
          }
          if (drops.take()) return void req.socket.destroy();
          const failure = failures.take();
          if (failure) return fail(res, failure.code, failure.description);
          const chatId = String(body.chat_id ?? "");
          if (!state.limit.admit(chatId)) return fail(res, 429, "Too Many Requests");
          const text = body.text;
          if (!chatId || typeof text !== "string" || !text || Array.from(text).length > 2000) return fail(res, 400, "Bad Request: text must be 1-2000 characters");
          if (blocked.has(chatId)) return fail(res, 403, "Forbidden: the user blocked the bot");
          const messageId = `b${++n}${randomBytes(4).toString("hex")}`;
          state.sent.push({ chatId, text, messageId });
          const answer = () => reply(res, 200, { ok: true, result: { message_id: messageId, date: Date.now() } });
          // The platform's latency, after the send was judged on arrival (the benchmark's 80 ms).
          return void (latencyMs > 0 ? setTimeout(answer, latencyMs) : answer());
        }
        case "getUpdates": {
          // An update goes only to a poll still waiting for an answer: a poll answered 408, or given up by the
          // client, takes none (it used to stay among the waiters and swallow the next update queued).
          const give = () => {
            if (res.writableEnded || res.destroyed) return;
            const u = updates.shift();
            if (u) reply(res, 200, { ok: true, result: u });
            else fail(res, 408, "Request Timeout");
          };
          if (updates.length) return give();
          const stopWaiting = () => {
            clearTimeout(timer);
            const i = waiters.indexOf(wake);
            if (i >= 0) waiters.splice(i, 1);
          };
          const wake = () => {
            stopWaiting();
            give();
          };
          const timer = setTimeout(wake, state.pollWaitMs);
          waiters.push(wake);
          res.once("close", stopWaiting);
          return;
        }
        default:
          return fail(res, 404, `Not Found: method ${method}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
