import axios, { type AxiosInstance } from "axios";
import { parseJsonKeepingBigInts } from "../../src/channels/json.js";
import { ZaloBotApiError } from "./errors.js";

export interface ZaloBotClient {
  /** Call `${base}/bot${token}/${method}` with a JSON body; resolves with `result`. */
  call<T = unknown>(method: string, body?: Record<string, unknown>, opts?: { signal?: AbortSignal; timeoutMs?: number }): Promise<T>;
}

export interface ZaloBotClientOptions {
  apiBase: string;
  token: string;
  timeoutMs?: number;
  http?: AxiosInstance;
}

/**
 * The Zalo Bot API over plain axios: `{ok, result}` or `{ok:false, error_code, description}`. The token is
 * part of the URL, so errors never carry the URL or the axios error (which would).
 */
export function createZaloBotClient(opts: ZaloBotClientOptions): ZaloBotClient {
  const http =
    opts.http ??
    axios.create({
      timeout: opts.timeoutMs ?? 10_000,
      responseType: "text",
      transformResponse: [(d: unknown) => d],
      validateStatus: () => true,
      maxRedirects: 0,
    });
  const base = `${opts.apiBase.replace(/\/+$/, "")}/bot${opts.token}/`;
  return {
    async call<T>(method: string, body: Record<string, unknown> = {}, o: { signal?: AbortSignal; timeoutMs?: number } = {}) {
      let res;
      try {
        res = await http.post<string>(base + method, JSON.stringify(body), {
          headers: { "content-type": "application/json" },
          ...(o.signal ? { signal: o.signal } : {}),
          ...(o.timeoutMs ? { timeout: o.timeoutMs } : {}),
        });
      } catch (err) {
        const e = err as { code?: string };
        throw new ZaloBotApiError(method, undefined, `network: ${e.code ?? "error"}`);
      }
      let env: Record<string, unknown> = {};
      try {
        const parsed = typeof res.data === "string" && res.data !== "" ? parseJsonKeepingBigInts(res.data) : res.data;
        if (parsed && typeof parsed === "object") env = parsed as Record<string, unknown>;
      } catch {
        throw new ZaloBotApiError(method, res.status >= 400 ? res.status : 502, `unreadable answer (HTTP ${res.status})`);
      }
      if (env.ok === true && res.status < 300) return env.result as T;
      const code = Number(env.error_code ?? res.status);
      const description = typeof env.description === "string" ? env.description : `HTTP ${res.status}`;
      throw new ZaloBotApiError(method, Number.isFinite(code) && code > 0 ? code : res.status, description);
    },
  };
}
