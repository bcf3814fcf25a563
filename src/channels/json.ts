/**
 * Where a number literal of 16 digits or more could start: after a colon, comma or bracket, or at the start
 * (JSON's whitespace between). It also matches such digits inside a string; the scan then finds nothing to quote.
 */
const MAYBE_LONG_INTEGER = /(?:^|[:,[])\s*-?\d{16}/;

/**
 * JSON.parse that keeps large integers exact: any integer literal of 16 or more digits (Zalo ids exceed
 * 2^53) is read as a string instead of a lossy number. Strings, fractions and exponents are untouched.
 * A text with no such literal (every Telegram update: its ids are shorter) is parsed as it is, without the
 * scan (which cost a button press more than the parse itself).
 */
export function parseJsonKeepingBigInts(text: string): unknown {
  return JSON.parse(MAYBE_LONG_INTEGER.test(text) ? quoteLongIntegers(text) : text);
}

/** The text with every integer literal of 16 digits or more put in quotes (strings skipped). */
function quoteLongIntegers(text: string): string {
  let out = "";
  let last = 0;
  let i = 0;
  const n = text.length;
  const isDigit = (k: number) => k < n && text.charCodeAt(k) >= 48 && text.charCodeAt(k) <= 57;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // a string: skip to its closing quote
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92) i += 2;
        else if (d === 34) {
          i++;
          break;
        } else i++;
      }
      continue;
    }
    if (c === 45 || isDigit(i)) {
      const start = i;
      if (c === 45) i++;
      const intStart = i;
      while (isDigit(i)) i++;
      const intDigits = i - intStart;
      let integer = true;
      if (text[i] === ".") {
        integer = false;
        i++;
        while (isDigit(i)) i++;
      }
      if (text[i] === "e" || text[i] === "E") {
        integer = false;
        i++;
        if (text[i] === "+" || text[i] === "-") i++;
        while (isDigit(i)) i++;
      }
      if (integer && intDigits >= 16) {
        out += text.slice(last, start) + '"' + text.slice(start, i) + '"';
        last = i;
      }
      continue;
    }
    i++;
  }
  return last === 0 ? text : out + text.slice(last);
}

/** A platform id as a string ("" when absent or not a scalar). */
export function idString(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  return "";
}
