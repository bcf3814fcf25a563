import { GrammyError, HttpError } from "grammy";
import { ConfigFailure, Permanent, RecipientGone, Throttled, Transient, type SendError } from "../../src/channels/errors.js";
import { redactText } from "../../src/logger.js";

/** 400 descriptions that mean the person cannot be reached any more (not a fault of the message). */
const GONE_400 = /chat not found|user not found|peer_id_invalid|user is deactivated|bot was blocked|chat_write_forbidden/i;

/** Remove the bot token from any text that may carry a URL (fetch errors name the request URL). */
export function scrub(text: string, token: string): string {
  return redactText(token ? text.split(token).join("[token]") : text);
}

/**
 * Map what grammY threw for one API call to the closed set of send errors:
 * 429 → Throttled(retry_after) · 403, or 400 "chat not found" → RecipientGone · other 400 → Permanent ·
 * 401/404 (wrong token) → ConfigFailure · 5xx, network failures, timeouts → Transient.
 */
export function mapTelegramError(err: unknown, method: string, payload: unknown, token: string): SendError {
  if (err instanceof GrammyError) {
    const code = err.error_code as number | undefined;
    const description = scrub(err.description ?? `no description (${err.message})`, token);
    const details = { method, code, description, payload, cause: new Error(scrub(err.message, token)) };
    if (code === 429) {
      const retryAfter = typeof err.parameters.retry_after === "number" ? err.parameters.retry_after : 1;
      return new Throttled(Math.max(0, retryAfter) * 1000, details);
    }
    if (code === 403) return new RecipientGone(details);
    if (code === 400 && GONE_400.test(description)) return new RecipientGone(details);
    if (code === 401 || code === 404) return new ConfigFailure(details);
    if (code === undefined || code >= 500) return new Transient(details);
    return new Permanent(details);
  }
  if (err instanceof HttpError) {
    const inner = err.error instanceof Error ? `: ${err.error.message}` : "";
    const description = scrub(`${err.message}${inner}`, token);
    return new Transient({ method, description, payload, cause: new Error(description) });
  }
  const description = scrub(err instanceof Error ? err.message : String(err), token);
  return new Transient({ method, description, payload, cause: new Error(description) });
}
