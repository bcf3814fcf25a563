import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { promisify } from "node:util";
import zlib from "node:zlib";
import type { ChannelAdapter } from "../channels/adapter.js";
import { dispatchInbound, type InboundSink, type PendingTasks } from "../channels/dispatch.js";
import { parseJsonKeepingBigInts } from "../channels/json.js";
import type { FieldProblem } from "../errors.js";
import { deferredChild, type Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { securityHeaderList } from "./app.js";
import { problemBody } from "./problem.js";
import { requestIdOf } from "./request-context.js";
import { watchBodyTimeout } from "./server.js";

export interface WebhookIntakeDeps {
  /** All enabled channels; those declaring `webhook` take POST /webhooks/<path>. */
  adapters: ChannelAdapter[];
  inbound: InboundSink;
  logger: Logger;
  /** Largest accepted body, decoded (config BODY_LIMIT, e.g. "256kb"); larger → 413. */
  bodyLimit: string;
  /** A declared body must keep arriving: longest pause between its chunks (config HTTP_BODY_TIMEOUT_MS). */
  bodyTimeoutMs?: number;
  metrics?: Metrics;
  /**
   * Where button-press acknowledgements go once the update is handled (not awaited before the answer; without
   * it they are awaited), and ackFirst updates still being handled: shutdown settles them before closing the database.
   */
  pending?: PendingTasks;
}

/** "256kb" → 262144 (b, kb, mb; 1 kb = 1,024 bytes, as Express's body parsers count). */
export function byteSize(limit: string): number {
  const m = /^(\d+)(b|kb|mb)$/i.exec(limit.trim());
  if (!m) throw new Error(`not a size: ${limit}`);
  return Number(m[1]) * { b: 1, kb: 1024, mb: 1024 * 1024 }[m[2]!.toLowerCase() as "b" | "kb" | "mb"];
}

/** A request the intake refuses: its status and problem. */
class Refusal {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldProblem[] = [],
  ) {}
}

const tooLarge = () => new Refusal(413, "too-large", "Body too large", "The request body is larger than the service accepts.", [{ field: "(body)", message: "too large" }]);

const decoders: Record<string, (b: Buffer, o: zlib.ZlibOptions) => Promise<Buffer>> = {
  gzip: promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
};

/** The body, read whole (size-limited, decoded when the client compressed it), or a Refusal. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | Refusal> {
  const encoding = String(req.headers["content-encoding"] ?? "identity").trim().toLowerCase();
  const decode = encoding === "identity" ? null : decoders[encoding];
  if (decode === undefined) {
    return Promise.resolve(new Refusal(415, "unsupported-encoding", "Unsupported encoding", `The content encoding "${encoding.slice(0, 40)}" is not supported.`));
  }
  const declared = Number(req.headers["content-length"] ?? NaN);
  if (!decode && declared > limit) return Promise.resolve(tooLarge());
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is read and dropped: the answer goes out once the request has been read.
      if (size > limit) over = true;
      else chunks.push(chunk);
    });
    req.on("error", () => resolve(new Refusal(400, "bad-request", "Bad request", "The request body could not be read.")));
    req.on("end", () => {
      if (over) return resolve(tooLarge());
      const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      if (!decode) return resolve(raw);
      decode(raw, { maxOutputLength: limit }).then(resolve, (err: unknown) =>
        resolve(
          (err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE"
            ? tooLarge()
            : new Refusal(400, "bad-request", "Bad request", `The request body is not valid ${encoding}.`, [{ field: "(body)", message: "cannot be decoded" }]),
        ),
      );
    });
  });
}

/**
 * The platforms' webhooks, taken on node:http before Express sees the request (the busiest path of the
 * service: every button press comes this way; Express's router, its response helpers and body parser cost
 * more than the rest of a press). For each adapter with `webhook`, POST /webhooks/<path>: the request id,
 * helmet's headers and the request metric as on every route → read the body (size-limited; gzip, deflate
 * and br decoded; another encoding 415) → verifyWebhook (401, nothing stored) → JSON (400) → parseInbound
 * (unknown shapes: 200, ignored) → handle, then 200 (ackFirst false: a failure answers 500 so the platform
 * retries; the 200 carries the button press's acknowledgement where the channel can put it there) or 200,
 * then handle (ackFirst true: failures are logged). Every other request goes on to `next` (the Express app).
 */
export function webhookIntake(deps: WebhookIntakeDeps): (next: RequestListener) => RequestListener {
  const limit = byteSize(deps.bodyLimit);
  const headers = securityHeaderList();
  const logRequests = deps.logger.isLevelEnabled("http");
  const hooks = new Map<string, ChannelAdapter>();
  for (const adapter of deps.adapters) {
    const hook = adapter.webhook;
    if (!hook) continue;
    if (!adapter.verifyWebhook) throw new Error(`channel ${adapter.name} declares a webhook but no verifyWebhook`);
    const path = `/webhooks/${hook.path}`;
    if (!/^[a-z0-9-]+$/.test(hook.path) || hooks.has(path)) throw new Error(`bad or duplicate webhook path: ${hook.path}`);
    hooks.set(path, adapter);
  }

  /** The adapter whose webhook a request is for (paths compared as Express would: any case, one trailing slash, no query). */
  function adapterFor(req: IncomingMessage): ChannelAdapter | undefined {
    if (req.method !== "POST" || !req.url?.startsWith("/")) return undefined;
    const q = req.url.indexOf("?");
    let path = (q < 0 ? req.url : req.url.slice(0, q)).toLowerCase();
    if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
    return hooks.get(path);
  }

  function answer(res: ServerResponse, status: number, body: unknown, type = "application/json; charset=utf-8"): void {
    const text = JSON.stringify(body);
    res.statusCode = status;
    res.setHeader("Content-Type", type);
    res.setHeader("Content-Length", Buffer.byteLength(text));
    res.end(text);
  }

  function refuse(res: ServerResponse, r: Refusal): void {
    answer(res, r.status, problemBody(r.status, r.type, r.title, r.detail, r.errors), "application/problem+json; charset=utf-8");
  }

  async function receive(adapter: ChannelAdapter, req: IncomingMessage, res: ServerResponse, requestLog: Logger): Promise<void> {
    const rawBody = await readBody(req, limit);
    if (rawBody instanceof Refusal) return refuse(res, rawBody);
    if (!adapter.verifyWebhook!({ headers: req.headers, rawBody })) {
      requestLog.warn("webhook refused: verification failed", { channel: adapter.name });
      return refuse(res, new Refusal(401, "unauthorized", "Unauthorized", "The webhook secret or signature is missing or wrong."));
    }
    let update: unknown;
    try {
      update = parseJsonKeepingBigInts(rawBody.toString("utf8"));
    } catch (err) {
      return refuse(res, new Refusal(400, "malformed-json", "Malformed JSON", "The request body is not valid JSON.", [
        { field: "(body)", message: err instanceof Error ? err.message : "parse error" },
      ]));
    }
    const events = adapter.parseInbound(update);
    const log = requestLog.child({ channel: adapter.name, updateKey: events[0]?.updateKey });
    if (!events.length) {
      log.debug("webhook update ignored (no event in it)");
      return answer(res, 200, { ok: true, events: 0 });
    }
    if (adapter.webhook!.ackFirst) {
      answer(res, 200, { ok: true, events: events.length });
      const work = dispatchInbound(adapter, deps.inbound, events, log, deps.metrics, deps.pending).catch((err: unknown) => {
        log.error("webhook update failed after it was acknowledged", { err });
      });
      // Already acknowledged: the platform will not send it again, so shutdown waits for it before closing the database.
      deps.pending?.track(work);
      return;
    }
    // Where the platform takes a method call in the answer (Telegram), the button press is acknowledged there.
    const ack = adapter.acknowledgeInWebhookAnswer?.(events);
    try {
      await dispatchInbound(adapter, deps.inbound, events, log, deps.metrics, deps.pending, ack !== undefined);
    } catch (err) {
      log.error("webhook update failed; the platform will retry it", { err });
      return refuse(res, new Refusal(500, "internal", "Internal error", "The update could not be processed; retry later."));
    }
    answer(res, 200, ack ?? { ok: true, events: events.length });
  }

  return (next) => (req, res) => {
    const adapter = adapterFor(req);
    if (!adapter) return next(req, res);
    const started = process.hrtime.bigint();
    const requestId = requestIdOf(req.headers["x-request-id"]);
    res.setHeader("X-Request-Id", requestId);
    // The request's child logger, made only if a line is logged (most presses log nothing at info level).
    const requestLog = deferredChild(deps.logger, { requestId });
    const route = `/webhooks/${adapter.webhook!.path}`;
    res.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      deps.metrics?.httpRequests.observe({ method: "POST", route, status: String(res.statusCode) }, seconds);
      if (logRequests) requestLog.http("request", { method: "POST", path: route, status: res.statusCode, ms: Math.round(seconds * 1000) });
    });
    if (deps.bodyTimeoutMs) watchBodyTimeout(req, deps.bodyTimeoutMs);
    for (const [name, value] of headers) res.setHeader(name, value);
    receive(adapter, req, res, requestLog).catch((err: unknown) => {
      requestLog.error("unhandled error", { err });
      if (!res.headersSent) refuse(res, new Refusal(500, "internal", "Internal error", "Something went wrong on our side; it has been logged."));
    });
  };
}
