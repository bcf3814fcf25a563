import cron from "node-cron";
import { wallClockDate } from "../src/text/local-time.js";

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * The ticks of a cron expression in a time zone, computed (not waited for): the latest tick at or before
 * a time (what a missed run or `jobs run --now` stands for) and the next tick after it (`jobs list`).
 * Days are walked first and only matching days are searched minute by minute, so a yearly schedule
 * costs a few hundred steps. Seconds are ignored: every tick is on a whole minute, as node-cron's are.
 */
export interface CronSchedule {
  expression: string;
  timeZone: string;
  /** The latest tick at or before `at`, looking back at most `horizonDays`; null if none. */
  previous(at: Date, horizonDays?: number): Date | null;
  /** The first tick after `at`, looking ahead at most `horizonDays`; null if none. */
  next(at: Date, horizonDays?: number): Date | null;
}

/** Offset of the zone's wall clock from UTC at `at`, in whole minutes (as ms). */
function offsetAt(at: Date, timeZone: string): number {
  const whole = new Date(Math.floor(at.getTime() / 1000) * 1000);
  return Math.round((wallClockDate(whole, timeZone).getTime() - whole.getTime()) / MINUTE) * MINUTE;
}

/** The instant whose wall clock in the zone reads `wall` (a Date whose UTC fields are the local time). */
function fromWall(wallMs: number, timeZone: string): Date {
  const guess = wallMs - offsetAt(new Date(wallMs), timeZone);
  return new Date(wallMs - offsetAt(new Date(guess), timeZone));
}

export function cronSchedule(expression: string, timeZone: string): CronSchedule {
  if (!cron.validate(expression)) throw new Error(`invalid cron expression ${expression}`);
  const f = cron.parse(expression);
  const months = new Set(f.month.map(Number));
  const doms = new Set(f.dayOfMonth.map(Number));
  const dows = new Set(f.dayOfWeek.map((d) => Number(d) % 7));
  const times = f.hour.flatMap((h) => f.minute.map((m) => (Number(h) * 60 + Number(m)) * MINUTE)).sort((a, b) => a - b);

  /** Midnight (wall clock, as UTC ms) of the local day of `at`. */
  const dayOf = (at: Date) => {
    const w = wallClockDate(at, timeZone);
    return Date.UTC(w.getUTCFullYear(), w.getUTCMonth(), w.getUTCDate());
  };
  const dayMatches = (dayMs: number) => {
    const d = new Date(dayMs);
    return months.has(d.getUTCMonth() + 1) && doms.has(d.getUTCDate()) && dows.has(d.getUTCDay());
  };

  return {
    expression,
    timeZone,
    previous(at, horizonDays = 400) {
      const first = dayOf(at);
      for (let i = 0; i <= horizonDays; i++) {
        const day = first - i * DAY;
        if (!dayMatches(day)) continue;
        for (let k = times.length - 1; k >= 0; k--) {
          const tick = fromWall(day + times[k]!, timeZone);
          if (tick.getTime() <= at.getTime()) return tick;
        }
      }
      return null;
    },
    next(at, horizonDays = 400) {
      const first = dayOf(at);
      for (let i = 0; i <= horizonDays; i++) {
        const day = first + i * DAY;
        if (!dayMatches(day)) continue;
        for (const t of times) {
          const tick = fromWall(day + t, timeZone);
          if (tick.getTime() > at.getTime()) return tick;
        }
      }
      return null;
    },
  };
}
