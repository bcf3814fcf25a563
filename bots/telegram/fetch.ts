import http from "node:http";
import https from "node:https";
import { createRequire } from "node:module";
import type { Dispatcher, Pool as UndiciPool, errors as UndiciErrors } from "undici";
import type { RequestProgress } from "../../src/channels/adapter.js";

// undici's connection pool and its errors alone: its main entry also loads fetch, WebSocket, the cache and
// more, ~9 MB more resident memory (measured: the entry 20.4 MB, these two files 11.6 MB).
const require = createRequire(import.meta.url);
const Pool = require("undici/lib/dispatcher/pool.js") as typeof UndiciPool;
const errors = require("undici/lib/core/errors.js") as typeof UndiciErrors;

const JSON_HEADERS = { "content-type": "application/json" };

/** What grammY's client uses of a fetch answer: it only calls `json()` (a rejection becomes an HttpError). */
interface MinimalResponse {
  readonly status: number;
  readonly ok: boolean;
  json(): Promise<unknown>;
  text(): Promise<string>;
}

/** A Bot API answer: `{ok: true, result}` or `{ok: false, error_code, description, parameters}`. */
export interface BotApiAnswer {
  ok: boolean;
  result?: unknown;
  error_code?: number;
  description?: string;
  parameters?: Record<string, unknown>;
}

export interface TelegramFetch {
  /** Pass as grammY's `ApiClientOptions.fetch`. */
  fetch: typeof fetch;
  /**
   * POST a JSON body to `<apiRoot>/bot<token>/<method>` and parse the answer, without grammY's client (no
   * payload walk, no AbortController, no transformer chain): the delivery worker's hot path. Rejects on
   * network failures, timeouts and bodies that are not JSON; a Bot API error comes back as an answer.
   */
  postJson: (token: string, method: string, body: string, timeoutMs: number, progress?: RequestProgress) => Promise<BotApiAnswer>;
  /** Close the kept-alive sockets. */
  close(): void;
}

/**
 * A small fetch for grammY's API client over node:http(s) with one keep-alive agent (its housekeeping
 * calls; `postJson`, the hot path, goes over an undici pool): grammY still builds
 * the JSON payload, enforces the timeout (its AbortSignal is honoured here) and turns answers into
 * GrammyError/HttpError. node-fetch (grammY's default on Node) costs about twice the CPU per call
 * (WHATWG Headers/Body objects, stream piping); at broadcast rates that cost is the pipeline's ceiling.
 * Bodies other than a string or bytes (multipart uploads) go to the platform fetch unchanged.
 */
export function createTelegramFetch(apiRoot: string, opts: { maxSockets?: number } = {}): TelegramFetch {
  const secure = apiRoot.startsWith("https:");
  const mod = secure ? https : http;
  const agent = new mod.Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 256, scheduling: "lifo" });
  const root = new URL(apiRoot);
  const origin = root.origin;
  const target = { protocol: root.protocol, hostname: root.hostname, port: root.port || (secure ? 443 : 80) };

  function lightFetch(input: string | URL | Request, init: RequestInit = {}): Promise<MinimalResponse> {
    const body = init.body;
    if (typeof input !== "string" || (body != null && typeof body !== "string" && !(body instanceof Uint8Array))) {
      return globalThis.fetch(input, init);
    }
    const signal = init.signal ?? undefined;
    return new Promise<MinimalResponse>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError());
      const headers: Record<string, string | number> = {};
      const given = init.headers as Record<string, string> | undefined;
      if (given) for (const k of Object.keys(given)) if (k.toLowerCase() !== "connection") headers[k] = given[k]!;
      if (body != null) headers["content-length"] = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
      // grammY builds `${apiRoot}/bot<token>/<method>`: skip a URL parse per call for that origin.
      const where = input.startsWith(origin + "/") ? { ...target, path: input.slice(origin.length) } : new URL(input);
      const req = mod.request({ ...(where instanceof URL ? urlOptions(where) : where), method: init.method ?? "GET", agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", fail);
        res.on("end", () => {
          signal?.removeEventListener("abort", onAbort);
          const text = chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8");
          const status = res.statusCode ?? 0;
          resolve({
            status,
            ok: status >= 200 && status < 300,
            json: () => new Promise((ok, no) => {
              try {
                ok(JSON.parse(text));
              } catch (err) {
                no(err instanceof Error ? err : new Error(String(err)));
              }
            }),
            text: () => Promise.resolve(text),
          });
        });
      });
      function fail(err: Error) {
        signal?.removeEventListener("abort", onAbort);
        reject(err);
      }
      function onAbort() {
        req.destroy(abortError());
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      req.on("error", fail);
      req.end(body ?? undefined);
    });
  }

  const basePath = root.pathname.replace(/\/+$/, "");
  // The hot path's connections: undici's pool costs about half the CPU per request of node:http's client
  // (measured against the bench's fake Bot API: ~50–90 µs against ~90–150 µs), which is most of what the
  // delivery worker spends per message.
  const pool = new Pool(origin, { connections: opts.maxSockets ?? 256 });

  function postJson(token: string, method: string, body: string, timeoutMs: number, progress?: RequestProgress): Promise<BotApiAnswer> {
    return new Promise<BotApiAnswer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let status = 0;
      const request: Dispatcher.DispatchOptions = {
        path: `${basePath}/bot${token}/${method}`, method: "POST", body, headers: JSON_HEADERS,
        headersTimeout: timeoutMs, bodyTimeout: timeoutMs,
      };
      pool.dispatch(request, {
        onConnect: () => undefined,
        // The body is handed to the socket in one write: the request is on its way to the platform.
        onBodySent: () => progress?.written(),
        onHeaders: (statusCode) => {
          progress?.answered();
          status = statusCode;
          return true;
        },
        onData: (chunk) => {
          chunks.push(chunk);
          return true;
        },
        onComplete: () => {
          try {
            resolve(JSON.parse(chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8")) as BotApiAnswer);
          } catch {
            reject(new Error(`Bot API ${method}: HTTP ${status} with a body that is not JSON`));
          }
        },
        onError: (err) => reject(timeoutError(err, method, timeoutMs)),
      });
    });
  }

  return {
    fetch: lightFetch as unknown as typeof fetch,
    postJson,
    close: () => {
      agent.destroy();
      void pool.destroy().catch(() => undefined);
    },
  };
}

function urlOptions(u: URL) {
  return { protocol: u.protocol, hostname: u.hostname, port: u.port || (u.protocol === "https:" ? 443 : 80), path: u.pathname + u.search };
}

/** undici's timeouts said as the rest of the adapter says them; other errors (refused, reset) as they are. */
function timeoutError(err: Error, method: string, timeoutMs: number): Error {
  if (err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError) {
    return new Error(`Bot API ${method}: no answer within ${timeoutMs} ms`, { cause: err });
  }
  return err;
}

function abortError(): Error {
  const e = new Error("The operation was aborted");
  e.name = "AbortError";
  return e;
}
