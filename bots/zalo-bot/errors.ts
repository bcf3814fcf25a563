import { ConfigFailure, Permanent, RecipientGone, Throttled, Transient, type SendError } from "../../src/channels/errors.js";

/** `{ok:false, error_code, description}` from the Bot API, or an HTTP/network failure. */
export class ZaloBotApiError extends Error {
  constructor(
    readonly method: string,
    /** error_code of the envelope, else the HTTP status; undefined for network failures. */
    readonly code: number | undefined,
    readonly description: string,
  ) {
    super(`${method}: ${code ?? "network"} ${description}`);
    this.name = "ZaloBotApiError";
  }
}

/** 429 throttled · 401/404 config · 403 recipient gone · 400 permanent · 5xx/408/network transient. */
export function mapBotError(err: ZaloBotApiError, throttleRetryMs: number, payload?: unknown): SendError {
  const details = { method: err.method, code: err.code, description: err.description, payload, cause: err };
  const c = err.code;
  if (c === undefined || c === 408 || c >= 500) return new Transient(details);
  if (c === 429) return new Throttled(throttleRetryMs, details);
  if (c === 401 || c === 404) return new ConfigFailure(details);
  if (c === 403) return new RecipientGone(details);
  return new Permanent(details);
}
