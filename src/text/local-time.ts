/**
 * The one local date formatting rule: every date shown to a person (resident, officer, spreadsheet)
 * is in the service's time zone (config.TZ_NAME), 24-hour, day before month.
 */

interface Wall {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", {
      timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock fields of `at` in `timeZone`, zero-padded. */
export function wallClock(at: Date, timeZone: string): Wall {
  const w: Wall = { year: "", month: "", day: "", hour: "", minute: "", second: "" };
  for (const p of formatter(timeZone).formatToParts(at)) {
    if (p.type === "year" || p.type === "month" || p.type === "day" || p.type === "hour" || p.type === "minute" || p.type === "second") w[p.type] = p.value;
  }
  return w;
}

/** "2025-08-01 09:30:00": a form spreadsheets read as a date and time (also sorts as text). */
export function localDateTime(at: Date, timeZone: string): string {
  const w = wallClock(at, timeZone);
  return `${w.year}-${w.month}-${w.day} ${w.hour}:${w.minute}:${w.second}`;
}

/** "2025-08-01": the local calendar day, as a key (one digest per officer per day). */
export function localDay(at: Date, timeZone: string): string {
  const w = wallClock(at, timeZone);
  return `${w.year}-${w.month}-${w.day}`;
}

/** "01/08/2025": a date as residents and officers read it. */
export function localDate(at: Date, timeZone: string): string {
  const w = wallClock(at, timeZone);
  return `${w.day}/${w.month}/${w.year}`;
}

/** "09:30" (24 h). */
export function localTime(at: Date, timeZone: string): string {
  const w = wallClock(at, timeZone);
  return `${w.hour}:${w.minute}`;
}

/** "01/08/2025 09:30". */
export function localStamp(at: Date, timeZone: string): string {
  return `${localDate(at, timeZone)} ${localTime(at, timeZone)}`;
}

/** The local hour, 0–23 (quiet hours). */
export function localHour(at: Date, timeZone: string): number {
  return Number(wallClock(at, timeZone).hour);
}

/**
 * A Date whose UTC fields are the wall-clock time in `timeZone`: spreadsheet cells have no time zone,
 * so this is how an officer sees local time in an XLSX date cell.
 */
export function wallClockDate(at: Date, timeZone: string): Date {
  const w = wallClock(at, timeZone);
  return new Date(Date.UTC(Number(w.year), Number(w.month) - 1, Number(w.day), Number(w.hour), Number(w.minute), Number(w.second)));
}
