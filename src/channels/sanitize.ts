import type { InboundEvent } from "./adapter.js";

/**
 * What arrives from a platform is cleaned here, once, for every channel (dispatchInbound calls it):
 * C0 control characters (NUL included, which PostgreSQL refuses in text) and DEL are removed, except tab,
 * newline and carriage return; lone surrogates become U+FFFD. Dates outside a sane window become the
 * arrival time, so an odd clock never loses a message.
 */

// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Chat text or a display name without control characters, well-formed UTF-16. */
export function cleanChatText(text: string): string {
  return text.replace(CONTROLS, "").replace(LONE_SURROGATE, "\uFFFD");
}

/** Earliest date a platform update can plausibly carry (older ones are clock faults). */
const EARLIEST_MS = Date.UTC(2000, 0, 1);
/** How far ahead of our clock a platform date may be before it is not believed. */
const FUTURE_SLACK_MS = 24 * 3_600_000;

/**
 * A platform timestamp (`unit` seconds or milliseconds, number or numeric string) as a Date; a missing,
 * non-numeric or out-of-range value (before 2000, more than a day ahead) gives the arrival time `now`.
 */
export function platformDate(value: unknown, unit: "s" | "ms", now: Date = new Date()): Date {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  if (!Number.isFinite(n)) return now;
  const ms = unit === "s" ? n * 1000 : n;
  return ms >= EARLIEST_MS && ms <= now.getTime() + FUTURE_SLACK_MS ? new Date(ms) : now;
}

/** One inbound event with its person-written fields cleaned and its date checked. */
export function sanitizeInboundEvent(event: InboundEvent, now: Date = new Date()): InboundEvent {
  const out: InboundEvent = { ...event, at: platformDate(event.at instanceof Date ? event.at.getTime() : NaN, "ms", now) };
  if (out.displayName !== undefined) {
    const name = cleanChatText(out.displayName).trim();
    if (name) out.displayName = name;
    else delete out.displayName;
  }
  if (out.locale !== undefined) out.locale = cleanChatText(out.locale);
  if (out.type === "text") out.text = cleanChatText(out.text);
  if (out.type === "action") out.action = cleanChatText(out.action);
  if (out.type === "start" && out.payload !== undefined) out.payload = cleanChatText(out.payload);
  out.externalId = cleanChatText(out.externalId);
  out.updateKey = cleanChatText(out.updateKey);
  return out;
}
