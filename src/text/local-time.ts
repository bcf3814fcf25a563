/** "2025-08-01 09:30:00" in the given time zone: a form spreadsheets read as a date and time. */
export function localDateTime(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("sv-SE", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).format(at);
}

/**
 * A Date whose UTC fields are the wall-clock time in `timeZone`: spreadsheet cells have no time zone,
 * so this is how an officer sees local time in an XLSX date cell.
 */
export function wallClockDate(at: Date, timeZone: string): Date {
  const m = /^(\d+)-(\d+)-(\d+) (\d+):(\d+):(\d+)$/.exec(localDateTime(at, timeZone));
  if (!m) return at;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}
