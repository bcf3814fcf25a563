import http from "node:http";
import type { AddressInfo } from "node:net";
import { createArrivalJudge, type LimitMode, type Refusal } from "./arrival-judge.js";

/**
 * A local fake of the Telegram Bot API (127.0.0.1, random port) for tests and the benchmark:
 * configurable latency, a rate limit answered by 429 with parameters.retry_after, scripted failures per
 * chat or per call (403 blocked, 500, dropped connection), and counts of sendMessage per chat.
 *
 * The rate limit is judged when a request arrives, before the latency is added to the answer. By default it
 * is strict (at most N sendMessage accepted in any sliding 1,000 ms); `limitMode: "bucket"` judges with a
 * token bucket of one second's capacity instead (lets a burst through). Each chat's accepted arrival times
 * are kept: `minChatGapMs` in the stats is the least time between two messages to one chat.
 *
 * Control over HTTP too, for when it runs in a process of its own (`telegram-api-process.ts`): GET
 * /__fake/stats, GET /__fake/chat?id= (count, last messages, arrival times), POST /__fake/config
 * {latencyMs, rateLimitPerSecond, limitMode, retryAfterSeconds, recordTimes}, POST /__fake/reset.
 */
export type FakeFailure = "blocked" | "server_error" | "drop" | "bad_request";

export interface FakeTelegramOptions {
  latencyMs?: number;
  /** Accepted sendMessage per second, judged on arrival; 0 = no limit. */
  rateLimitPerSecond?: number;
  /** "strict" (default): any sliding 1,000 ms; "bucket": a token bucket of one second's capacity. */
  limitMode?: LimitMode;
  /** The retry_after sent with a 429, in seconds (Telegram sends whole seconds). */
  retryAfterSeconds?: number;
  /** Keep the time of each accepted sendMessage (rate measurements). */
  recordTimes?: boolean;
}

export interface FakeTelegramStats {
  /** Accepted sendMessage calls (answered 200). */
  sent: number;
  /** sendMessage answered 429. */
  throttled: number;
  /** sendMessage answered with a scripted failure (403, 500, 400) or dropped. */
  failed: number;
  requests: number;
  /** Chats that got the same text more than once. */
  duplicates: number;
  methods: Record<string, number>;
  /** Most sendMessage accepted in any 1,000 ms (arrival times). */
  maxInWindow: number;
  /** Least time (ms) between two accepted sendMessage arrivals for one chat; null when no chat got two. */
  minChatGapMs: number | null;
  /** The first 429s for the limit, each with the arrivals of its window (times: this fake's performance.now()). */
  firstRefusals: Refusal[];
  /** The fake's performance.timeOrigin: its times plus this are milliseconds since the epoch. */
  clockOrigin: number;
}

export interface SentMessage {
  chatId: string;
  text: string;
  replyMarkup?: unknown;
  at: number;
}

export interface FakeTelegramApi {
  url: string;
  port: number;
  /** Base for a bot client: `${url}` (clients add /bot<token>/<method>). */
  apiRoot: string;
  stats(): FakeTelegramStats;
  /** Accepted sendMessage per chat id. */
  sentCount(chatId: string | number): number;
  /** Distinct chats that got at least one accepted message. */
  chats(): string[];
  /** The last accepted messages to a chat. */
  messages(chatId: string | number): SentMessage[];
  /** Accepted sendMessage times (ms, performance.now of this process) when recordTimes is on. */
  times(): number[];
  /** Accepted sendMessage arrival times for one chat (ms, performance.now of this process), in order. */
  chatArrivals(chatId: string | number): number[];
  configure(o: FakeTelegramOptions): void;
  /** Fail sendMessage to this chat: `times` times (default: forever). */
  failChat(chatId: string | number, failure: FakeFailure, times?: number): void;
  /** Fail the next `n` sendMessage calls, whatever the chat. */
  failNextCalls(n: number, failure: FakeFailure): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeTelegramApi(opts: FakeTelegramOptions = {}): Promise<FakeTelegramApi> {
  let latencyMs = opts.latencyMs ?? 0;
  const judge = createArrivalJudge({ limit: opts.rateLimitPerSecond ?? 0, mode: opts.limitMode ?? "strict" });
  let retryAfter = opts.retryAfterSeconds ?? 1;
  let recordTimes = opts.recordTimes ?? false;
  let messageId = 1;

  let perChat = new Map<string, SentMessage[]>();
  let counts = new Map<string, number>();
  let chatFailures = new Map<string, { failure: FakeFailure; left: number }>();
  let callFailures: { failure: FakeFailure; left: number }[] = [];
  let times: number[] = [];
  const zero = () => ({ sent: 0, throttled: 0, failed: 0, requests: 0, duplicates: 0, methods: {} as Record<string, number> });
  let stats = zero();

  const pendingPolls = new Set<http.ServerResponse>();

  /** Platform requests answer `latencyMs` after they arrived (judged on arrival); control requests at once. */
  const delayed = new WeakSet<http.ServerResponse>();

  function answer(res: http.ServerResponse, status: number, body: unknown) {
    const text = JSON.stringify(body);
    const write = () => {
      if (res.writableEnded || res.destroyed) return;
      res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      res.end(text);
    };
    if (latencyMs > 0 && delayed.has(res)) setTimeout(write, latencyMs);
    else write();
  }

  function failWith(req: http.IncomingMessage, res: http.ServerResponse, failure: FakeFailure) {
    stats.failed++;
    switch (failure) {
      case "blocked":
        return answer(res, 403, { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" });
      case "server_error":
        return answer(res, 500, { ok: false, error_code: 500, description: "Internal Server Error" });
      case "bad_request":
        return answer(res, 400, { ok: false, error_code: 400, description: "Bad Request: message text is empty" });
      case "drop":
        req.socket.destroy();
    }
  }

  function sendMessage(req: http.IncomingMessage, res: http.ServerResponse, params: Record<string, unknown>) {
    const chatId = typeof params.chat_id === "string" || typeof params.chat_id === "number" ? String(params.chat_id) : "";
    const text = typeof params.text === "string" ? params.text : "";
    if (!chatId || !text) return answer(res, 400, { ok: false, error_code: 400, description: "Bad Request: chat_id and text are required" });
    const byChat = chatFailures.get(chatId);
    if (byChat && byChat.left !== 0) {
      byChat.left--;
      return failWith(req, res, byChat.failure);
    }
    const byCall = callFailures[0];
    if (byCall) {
      if (--byCall.left <= 0) callFailures.shift();
      return failWith(req, res, byCall.failure);
    }
    if (!judge.admit(chatId)) {
      stats.throttled++;
      return answer(res, 429, { ok: false, error_code: 429, description: `Too Many Requests: retry after ${retryAfter}`, parameters: { retry_after: retryAfter } });
    }
    stats.sent++;
    const n = (counts.get(chatId) ?? 0) + 1;
    counts.set(chatId, n);
    const list = perChat.get(chatId) ?? [];
    const at = judge.chatArrivals(chatId).at(-1) ?? performance.now();
    if (list.some((m) => m.text === text)) stats.duplicates++;
    list.push({ chatId, text, replyMarkup: params.reply_markup, at });
    if (list.length > 5) list.shift();
    perChat.set(chatId, list);
    if (recordTimes) times.push(at);
    const id = messageId++;
    answer(res, 200, { ok: true, result: { message_id: id, date: Math.floor(Date.now() / 1000), chat: { id: Number(chatId) || chatId, type: "private" }, text } });
  }

  function route(req: http.IncomingMessage, res: http.ServerResponse, body: string) {
    const url = new URL(req.url ?? "/", "http://fake");
    if (url.pathname.startsWith("/__fake/")) return control(res, url, body);
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname);
    if (!m) return answer(res, 404, { ok: false, error_code: 404, description: "Not Found" });
    const [, token, method] = m as unknown as [string, string, string];
    if (token.startsWith("bad")) return answer(res, 401, { ok: false, error_code: 401, description: "Unauthorized" });
    stats.requests++;
    stats.methods[method] = (stats.methods[method] ?? 0) + 1;
    let params: Record<string, unknown> = Object.fromEntries(url.searchParams);
    if (body) {
      const type = req.headers["content-type"] ?? "";
      try {
        params = { ...params, ...(type.includes("json") ? (JSON.parse(body) as Record<string, unknown>) : Object.fromEntries(new URLSearchParams(body))) };
      } catch {
        return answer(res, 400, { ok: false, error_code: 400, description: "Bad Request: can't parse JSON" });
      }
    }
    if (typeof params.reply_markup === "string") {
      try {
        params.reply_markup = JSON.parse(params.reply_markup);
      } catch {
        /* keep the string */
      }
    }
    switch (method) {
      case "sendMessage":
        return sendMessage(req, res, params);
      case "getMe":
        return answer(res, 200, { ok: true, result: { id: 123456789, is_bot: true, first_name: "gopy test", username: "gopy_test_bot", can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false } });
      case "getUpdates": {
        // Long polling: hold the request a little (at most 500 ms) and answer with nothing.
        const wait = Math.min(500, Number(params.timeout ?? 0) * 1000);
        pendingPolls.add(res);
        setTimeout(() => {
          pendingPolls.delete(res);
          if (!res.writableEnded) answer(res, 200, { ok: true, result: [] });
        }, wait);
        return;
      }
      case "answerCallbackQuery":
      case "setMyCommands":
      case "deleteWebhook":
      case "setWebhook":
      case "deleteMyCommands":
      case "setChatMenuButton":
        return answer(res, 200, { ok: true, result: true });
      case "getWebhookInfo":
        return answer(res, 200, { ok: true, result: { url: "", has_custom_certificate: false, pending_update_count: 0 } });
      default:
        return answer(res, 404, { ok: false, error_code: 404, description: "Not Found: method not found" });
    }
  }

  function control(res: http.ServerResponse, url: URL, body: string) {
    const path = url.pathname;
    if (path === "/__fake/stats") return answer(res, 200, { ...api.stats(), chats: counts.size, times: recordTimes ? times : undefined });
    if (path === "/__fake/chat") {
      const chatId = url.searchParams.get("id") ?? "";
      return answer(res, 200, { count: api.sentCount(chatId), messages: api.messages(chatId), arrivals: api.chatArrivals(chatId) });
    }
    if (path === "/__fake/config") {
      api.configure(JSON.parse(body || "{}") as FakeTelegramOptions);
      return answer(res, 200, { ok: true });
    }
    if (path === "/__fake/reset") {
      api.reset();
      return answer(res, 200, { ok: true });
    }
    answer(res, 404, { ok: false });
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      if (!req.url?.startsWith("/__fake/")) delayed.add(res);
      route(req, res, body);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.maxRequestsPerSocket = 0;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  const api: FakeTelegramApi = {
    url,
    port,
    apiRoot: url,
    stats: () => ({
      ...stats, methods: { ...stats.methods }, maxInWindow: judge.maxInWindow(), minChatGapMs: judge.minChatGapMs(),
      firstRefusals: judge.firstRefusals(), clockOrigin: performance.timeOrigin,
    }),
    sentCount: (chatId) => counts.get(String(chatId)) ?? 0,
    chats: () => [...counts.keys()],
    messages: (chatId) => [...(perChat.get(String(chatId)) ?? [])],
    times: () => times,
    chatArrivals: (chatId) => judge.chatArrivals(String(chatId)),
    configure(o) {
      if (o.latencyMs !== undefined) latencyMs = o.latencyMs;
      if (o.rateLimitPerSecond !== undefined || o.limitMode !== undefined) judge.configure({ limit: o.rateLimitPerSecond, mode: o.limitMode });
      if (o.retryAfterSeconds !== undefined) retryAfter = o.retryAfterSeconds;
      if (o.recordTimes !== undefined) recordTimes = o.recordTimes;
    },
    failChat(chatId, failure, times = -1) {
      chatFailures.set(String(chatId), { failure, left: times });
    },
    failNextCalls(n, failure) {
      callFailures.push({ failure, left: n });
    },
    reset() {
      perChat = new Map();
      counts = new Map();
      chatFailures = new Map();
      callFailures = [];
      times = [];
      stats = zero();
      judge.reset();
    },
    async close() {
      for (const res of pendingPolls) if (!res.writableEnded) answer(res, 200, { ok: true, result: [] });
      pendingPolls.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return api;
}
