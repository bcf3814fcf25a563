import { wallClockDate } from "../../text/local-time.js";

/** The period an annual report covers, as local dates (inclusive) and as instants [fromAt, untilAt). */
export interface ReportPeriod {
  year: number;
  /** First local day covered, YYYY-MM-DD. */
  from: string;
  /** Last local day covered, YYYY-MM-DD (31 December, or today when the year is not over). */
  to: string;
  fromAt: Date;
  untilAt: Date;
}

/** The instant local midnight starts the local date y-m-d in `timeZone`. */
export function localMidnight(y: number, m: number, d: number, timeZone: string): Date {
  const guess = Date.UTC(y, m - 1, d);
  const offset = wallClockDate(new Date(guess), timeZone).getTime() - guess;
  return new Date(guess - offset);
}

const iso = (at: Date) => at.toISOString().slice(0, 10);

/**
 * The period of the report of `year`: from `start` (MM-DD, REPORT_PERIOD_START) of that year to the end
 * of the year, or to the end of today when the year is not over yet (local dates in `timeZone`).
 */
export function reportPeriod(year: number, start: string, now: Date, timeZone: string): ReportPeriod {
  const [m, d] = start.split("-").map(Number) as [number, number];
  const fromAt = localMidnight(year, m, d, timeZone);
  const endOfYear = localMidnight(year + 1, 1, 1, timeZone);
  const today = wallClockDate(now, timeZone);
  const endOfToday = localMidnight(today.getUTCFullYear(), today.getUTCMonth() + 1, today.getUTCDate() + 1, timeZone);
  const untilAt = endOfToday < endOfYear ? endOfToday : endOfYear;
  return {
    year,
    from: iso(wallClockDate(fromAt, timeZone)),
    to: iso(new Date(wallClockDate(untilAt, timeZone).getTime() - 86_400_000)),
    fromAt,
    untilAt,
  };
}
