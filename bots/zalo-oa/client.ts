import axios, { type AxiosInstance } from "axios";
import { parseJsonKeepingBigInts } from "../../src/channels/json.js";
import { ZaloOaApiError } from "./errors.js";

/**
 * The OA Open API over plain axios. Every answer is read as text and parsed keeping big ids exact; a
 * non-zero `error` is a failure even with HTTP 200. Tokens are passed per call, never logged.
 */
export interface ZaloOaClient {
  /** POST a JSON body with the `access_token` header; resolves with the envelope's `data`. */
  post(path: string, body: unknown, accessToken: string): Promise<Record<string, unknown>>;
}

export interface ZaloOaClientOptions {
  apiBase: string;
  timeoutMs?: number;
  /** For tests and the token store: a ready axios instance. */
  http?: AxiosInstance;
}

export function createOaHttp(timeoutMs = 10_000): AxiosInstance {
  return axios.create({
    timeout: timeoutMs,
    responseType: "text",
    transformResponse: [(d: unknown) => d],
    validateStatus: () => true,
    maxRedirects: 0,
  });
}

/** Parse an OA answer body; throws ZaloOaApiError for bad JSON or a non-zero `error`. */
export function readEnvelope(method: string, status: number, body: unknown): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = typeof body === "string" ? (body === "" ? {} : parseJsonKeepingBigInts(body)) : body;
  } catch {
    throw new ZaloOaApiError(method, undefined, `unreadable answer (HTTP ${status})`, status >= 500 ? status : status || 502);
  }
  const env = (parsed && typeof parsed === "object" ? parsed : {}) as Record<string, unknown>;
  const code = env.error === undefined ? undefined : Number(env.error);
  const message = typeof env.message === "string" ? env.message : "";
  if (code !== undefined && Number.isFinite(code) && code !== 0) throw new ZaloOaApiError(method, code, message, status);
  if (status < 200 || status >= 300) throw new ZaloOaApiError(method, undefined, message || `HTTP ${status}`, status);
  const data = env.data;
  return data && typeof data === "object" ? (data as Record<string, unknown>) : {};
}

export function createZaloOaClient(opts: ZaloOaClientOptions): ZaloOaClient {
  const http = opts.http ?? createOaHttp(opts.timeoutMs);
  const base = opts.apiBase.replace(/\/+$/, "");
  return {
    async post(path, body, accessToken) {
      let res;
      try {
        res = await http.post<string>(base + path, JSON.stringify(body), {
          headers: { "content-type": "application/json", access_token: accessToken },
        });
      } catch (err) {
        const e = err as { code?: string; message?: string };
        throw new ZaloOaApiError(path, undefined, `network: ${e.code ?? e.message ?? "error"}`, undefined);
      }
      return readEnvelope(path, res.status, res.data);
    },
  };
}
