import { and, eq, lt } from "drizzle-orm";
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { agencies, jobRuns } from "../../db/schema/index.js";
import { localDateTime } from "../../text/local-time.js";
import { t } from "../../i18n/index.js";
import { reportDownloaded } from "../report/downloads.js";
import { createBroadcast, enqueueAudience } from "../../delivery/outbox.js";
import { byLocale, perLocale } from "../../messages/per-locale.js";

/** Plan V.1: every agency reports before 20 November (local date, month-day). */
export const REPORT_DUE = "11-20";
/** job_runs key of a reminder date: one per (year, date), whatever tick, instance or catch-up sends it. */
export const REPORT_REMINDER_PERIOD_JOB = "report-reminder-period";
export const REPORT_REMINDER_ACTOR = "scheduler:report-reminders";

export interface ReportReminderOptions {
  now: Date;
  timeZone: string;
  /** REPORT_REMINDER_DATES as "MM-DD", sorted. */
  dates: string[];
}

export interface ReportReminderResult {
  /** The reminder date this run stood for ("2026-11-01"), or null when none was due. */
  period: string | null;
  skipped?: "already-sent" | "past-due";
  agencies: { agencyId: string; officers: number }[];
  /** Agencies whose report of the year was already downloaded: not reminded. */
  done: number;
}

/**
 * Annual report reminders: on each REPORT_REMINDER_DATES date (the latest one on or before today, so a
 * date missed while the service was down is sent once when it comes back, but never on or after the due
 * date), the officers in chat of every agency whose report of the year has not been downloaded
 * (reportDownloaded) get one message naming the year and the due date. Officers invited without an
 * agency (province-wide) are not an agency's and get none. Once per date: claimed in job_runs.
 */
export async function sendReportReminders(db: Db, opts: ReportReminderOptions): Promise<ReportReminderResult> {
  const local = localDateTime(opts.now, opts.timeZone).slice(0, 10);
  const year = Number(local.slice(0, 4));
  const today = local.slice(5);
  const date = [...opts.dates].reverse().find((d) => d <= today);
  if (!date) return { period: null, agencies: [], done: 0 };
  const period = `${year}-${date}`;
  if (today >= REPORT_DUE) return { period, skipped: "past-due", agencies: [], done: 0 };
  const claimed = await db.insert(jobRuns).values({ job: REPORT_REMINDER_PERIOD_JOB, slot: period, owner: REPORT_REMINDER_ACTOR, startedAt: opts.now }).onConflictDoNothing().returning({ id: jobRuns.id });
  if (!claimed.length) return { period, skipped: "already-sent", agencies: [], done: 0 };
  await db.delete(jobRuns).where(and(eq(jobRuns.job, REPORT_REMINDER_PERIOD_JOB), lt(jobRuns.startedAt, new Date(opts.now.getTime() - 800 * 86_400_000))));

  const result: ReportReminderResult = { period, agencies: [], done: 0 };
  for (const a of await db.select().from(agencies)) {
    if (await reportDownloaded(db, a.id, year)) {
      result.done++;
      continue;
    }
    const officers = await db.transaction(async (tx) => {
      const message = perLocale((l) => ({ text: t(l, "report.reminder", { agency: a.name, year, due: t(l, "report.dueDate", { year }) }) }));
      const broadcastId = await createBroadcast(tx, null, "report_reminder", REPORT_REMINDER_ACTOR, opts.now);
      return enqueueAudience(tx, broadcastId, "report_reminder", byLocale(message), sql`s.status = 'active' and exists (
        select 1 from officers o where o.subscriber_id = s.id and o.active and o.agency_id = ${a.id})`);
    });
    if (officers) result.agencies.push({ agencyId: a.id, officers });
  }
  await db.update(jobRuns).set({ status: "done", finishedAt: opts.now, details: { agencies: result.agencies.length, done: result.done } }).where(and(eq(jobRuns.job, REPORT_REMINDER_PERIOD_JOB), eq(jobRuns.slot, period)));
  return result;
}

/** The cron of the reminder dates at 09:00 local: "0 9 1,15 11 *" (days × months; extra ticks find nothing new). */
export function reportReminderCron(dates: string[]): string {
  const months = [...new Set(dates.map((d) => Number(d.slice(0, 2))))].sort((a, b) => a - b);
  const days = [...new Set(dates.map((d) => Number(d.slice(3))))].sort((a, b) => a - b);
  return `0 9 ${days.join(",")} ${months.join(",")} *`;
}
