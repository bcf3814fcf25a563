/** Byte order mark: lets Excel open UTF-8 CSV (Vietnamese text) correctly. */
export const UTF8_BOM = "\uFEFF";

export type CsvValue = string | number | boolean | null | undefined;

/**
 * Text a spreadsheet would run as a formula (CSV injection): a leading =, +, -, @, tab or CR.
 * Such text is prefixed with an apostrophe, which spreadsheets show as plain text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field, quoted as RFC 4180 requires (comma, quote, CR or LF inside → quoted, quotes doubled). */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  let s = typeof value === "string" ? value : String(value);
  if (typeof value === "string" && FORMULA_START.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A whole CSV document: CRLF line ends (RFC 4180), UTF-8 BOM first. */
export function toCsv(header: string[], rows: CsvValue[][]): string {
  const lines = [header, ...rows].map((r) => r.map(csvField).join(","));
  return UTF8_BOM + lines.join("\r\n") + "\r\n";
}
