import type { Broadcaster } from "../../src/delivery/broadcaster.js";
import { reportReminderCron, sendReportReminders } from "../../src/domain/reminders/report.js";
import type { Job } from "../scheduler.js";

/**
 * On REPORT_REMINDER_DATES (default 1 and 15 November) at 09:00 local: the officers of every agency
 * whose annual report has not been downloaded are reminded that it is due on 20 November.
 */
export function reportRemindersJob(deps: { broadcaster: Broadcaster; dates: string[] }): Job {
  return {
    name: "report-reminders",
    cron: reportReminderCron(deps.dates),
    summary: "officers of agencies that have not downloaded their annual report are reminded it is due on 20 November",
    async run({ db, config, now }) {
      const r = await sendReportReminders(db, { now, timeZone: config.TZ_NAME, dates: config.REPORT_REMINDER_DATES });
      if (r.agencies.length) deps.broadcaster.kick();
      return { period: r.period, agencies: r.agencies.length, officers: r.agencies.reduce((a, x) => a + x.officers, 0), done: r.done, ...(r.skipped ? { skipped: r.skipped } : {}) };
    },
  };
}
