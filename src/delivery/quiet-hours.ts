/**
 * Quiet hours: the local night during which no bulk message (announcements, reminders, corrections,
 * extensions, results, outcomes, relay scripts) reaches a resident or a propagandist. Replies to a
 * person's own message are never held. Pure: every function takes the time it is asked about.
 *
 * The window is "HH:MM-HH:MM" in a time zone (config.TZ_NAME); a start after the end wraps past
 * midnight ("21:00-07:00"); a start equal to the end means no quiet hours at all.
 */
export interface QuietHours {
  /** Minutes after local midnight at which quiet hours begin and end. */
  from: number;
  until: number;
  timeZone: string;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Parse "21:00-07:00"; throws an Error naming the problem. */
export function parseQuietHours(spec: string, timeZone: string): QuietHours {
  const [a, b, ...rest] = spec.split("-").map((s) => s.trim());
  const ma = a ? HHMM.exec(a) : null;
  const mb = b ? HHMM.exec(b) : null;
  if (!ma || !mb || rest.length) throw new Error(`must be HH:MM-HH:MM (24 h local time), e.g. 21:00-07:00; got ${spec}`);
  return { from: Number(ma[1]) * 60 + Number(ma[2]), until: Number(mb[1]) * 60 + Number(mb[2]), timeZone };
}

/** Local wall clock of `at` in minutes after midnight, plus the seconds and milliseconds within the minute. */
function localMinute(at: Date, timeZone: string): { minute: number; withinMs: number } {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return { minute: get("hour") * 60 + get("minute"), withinMs: at.getTime() % 60_000 };
}

/** Whether `now` falls in the quiet hours (the start minute included, the end minute excluded). */
export function isQuiet(q: QuietHours, now: Date): boolean {
  if (q.from === q.until) return false;
  const { minute } = localMinute(now, q.timeZone);
  return q.from < q.until ? minute >= q.from && minute < q.until : minute >= q.from || minute < q.until;
}

/**
 * When the quiet hours containing `now` end (the first instant bulk may go again); `now` itself when it
 * is not in quiet hours.
 */
export function endOf(q: QuietHours, now: Date): Date {
  if (!isQuiet(q, now)) return now;
  const { minute, withinMs } = localMinute(now, q.timeZone);
  const left = (q.until - minute + 1440) % 1440;
  return new Date(now.getTime() - withinMs + left * 60_000);
}

/** "21:00-07:00" back from the parsed form (for logs and `jobs list`). */
export function formatQuietHours(q: QuietHours): string {
  const f = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  return `${f(q.from)}-${f(q.until)}`;
}
