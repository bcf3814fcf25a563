import {
  ConfigFailure,
  OutsideWindow,
  Permanent,
  RecipientGone,
  Throttled,
  Transient,
  type SendError,
} from "../../src/channels/errors.js";

/** Zalo OA error codes (reference/zalo-api.md), grouped by what the sender should do. */
export const OA_THROTTLED = [-32];
export const OA_TOKEN_INVALID = [-216, -220];
export const OA_RECIPIENT_GONE = [-213, -217, -227];
export const OA_OUTSIDE_WINDOW = [-230, -232];
export const OA_CONFIG = [-201, -204, -205, -209, -212, -221, -223, -224, -242];

/** A non-zero `error` in an OA answer (HTTP 200 or not), or an HTTP failure with no envelope. */
export class ZaloOaApiError extends Error {
  constructor(
    readonly method: string,
    /** The `error` code of the envelope; undefined for network failures and bodies without one. */
    readonly code: number | undefined,
    readonly description: string,
    readonly httpStatus: number | undefined,
  ) {
    super(`${method}: ${code ?? httpStatus ?? "network"} ${description}`);
    this.name = "ZaloOaApiError";
  }
}

export interface OaErrorMapping {
  throttleRetryMs: number;
}

/**
 * Map an OA failure to the closed SendError set. -216/-220 are handled (refresh then retry) by the
 * adapter before they get here; if they still arrive, the token could not be fixed: ConfigFailure.
 */
export function mapOaError(err: ZaloOaApiError, opts: OaErrorMapping, payload?: unknown): SendError {
  const details = { method: err.method, code: err.code ?? err.httpStatus, description: err.description, payload, cause: err };
  const code = err.code;
  if (code === undefined) {
    const s = err.httpStatus;
    if (s === 429) return new Throttled(opts.throttleRetryMs, details);
    if (s === undefined || s >= 500 || s === 408) return new Transient(details);
    if (s === 401 || s === 403 || s === 404) return new ConfigFailure(details);
    return new Permanent(details);
  }
  if (OA_THROTTLED.includes(code)) return new Throttled(opts.throttleRetryMs, details);
  if (OA_RECIPIENT_GONE.includes(code)) return new RecipientGone(details);
  if (OA_OUTSIDE_WINDOW.includes(code)) return new OutsideWindow(details);
  if (OA_CONFIG.includes(code) || OA_TOKEN_INVALID.includes(code)) return new ConfigFailure(details);
  return new Permanent(details);
}
