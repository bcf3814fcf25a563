import { z } from "zod";

/**
 * The one place that says what text and what date the API accepts. Every text field of every body and
 * query goes through `safeText` (or `requiredText`), every date-time through `dateTimeField`, so that a
 * value PostgreSQL would refuse — or that would mislead a reader — is a 400 naming the field, never a 500.
 */

/** NUL and the other C0/C1 controls except tab, line feed and carriage return (PostgreSQL text refuses NUL). */
const isControl = (c: number) => (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c <= 0x9f);
/** Half of a UTF-16 surrogate pair without its other half (PostgreSQL's jsonb refuses it). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Bidirectional embeddings, overrides and isolates: they make text read differently from what it says. */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
/** Characters that show nothing: zero-width spaces and joiners, direction marks, soft hyphen, fillers, BOM. */
const INVISIBLE = new Set([0xad, 0x34f, 0x61c, 0x115f, 0x1160, 0x17b4, 0x17b5, 0x180e, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x3164, 0xfeff, 0xffa0]);
const isInvisible = (c: number) => INVISIBLE.has(c) || (c >= 0x200b && c <= 0x200f);

function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (isControl(value.charCodeAt(i))) return true;
  return false;
}

/** Why this text is refused, or null when it is acceptable. */
export function textProblem(value: string): string | null {
  if (LONE_SURROGATE.test(value)) return "contains an unpaired UTF-16 surrogate (not valid Unicode text)";
  if (hasControl(value)) return "contains a control character (such as NUL)";
  if (BIDI_CONTROL.test(value)) return "contains a bidirectional override or isolate character";
  return null;
}

/** Whether the text shows anything once invisible characters and white space are set aside. */
export function hasVisibleText(value: string): boolean {
  for (const ch of value) if (!isInvisible(ch.codePointAt(0)!) && ch.trim() !== "") return true;
  return false;
}

/** Any text field: trimmed, at most `max` characters, no NUL/controls, lone surrogates or bidi overrides. */
export const safeText = (max: number) =>
  z
    .string()
    .check((ctx) => {
      const problem = textProblem(ctx.value);
      if (problem) ctx.issues.push({ code: "custom", message: problem, input: ctx.value });
    })
    .trim()
    .max(max);

/** A text field that must show something: not empty, not only invisible characters. */
export const requiredText = (max: number) =>
  safeText(max).refine(hasVisibleText, "must not be empty (or only invisible characters)");

/** A URL field (http or https), with the same character rules as text. */
export const httpUrl = (max: number) =>
  safeText(max).pipe(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }));

const OFFSET_MESSAGE = "must be an ISO 8601 date-time with a time zone offset, e.g. 2025-09-01T08:00:00+07:00";
/** The instants every part of the service (PostgreSQL, JavaScript dates, exports) handles alike. */
export const EARLIEST_DATE = Date.UTC(1900, 0, 1);
export const LATEST_DATE = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** ISO 8601 date-time with "Z" or an explicit ±hh:mm offset, between 1900 and 9999 once in UTC. */
export const dateTimeField = z.iso
  .datetime({ offset: true, error: OFFSET_MESSAGE })
  .refine((v) => {
    const t = Date.parse(v);
    return Number.isFinite(t) && t >= EARLIEST_DATE && t <= LATEST_DATE;
  }, "must be between 1900-01-01 and 9999-12-31 (UTC)");
