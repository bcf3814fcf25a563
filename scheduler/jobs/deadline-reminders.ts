import type { Broadcaster } from "../../src/delivery/broadcaster.js";
import { parseQuietHours } from "../../src/delivery/quiet-hours.js";
import { REMINDER_TIME, sendDeadlineReminders } from "../../src/domain/reminders/deadline.js";
import type { Job } from "../scheduler.js";
import { dailyCron } from "./digest.js";

/**
 * Daily at 08:00 local: residents who have not answered every question of an open draft are reminded on
 * the calendar days REMINDER_DAYS (or the draft's reminderDays) before its deadline; each period once.
 */
export function deadlineRemindersJob(deps: { broadcaster: Broadcaster }): Job {
  return {
    name: "deadline-reminders",
    cron: dailyCron(REMINDER_TIME),
    summary: "residents who have not answered every question are reminded 7, 3 and 1 days before the deadline",
    async run({ db, config, now }) {
      const r = await sendDeadlineReminders(db, {
        now,
        timeZone: config.TZ_NAME,
        defaultDays: config.REMINDER_DAYS,
        quietHours: parseQuietHours(config.QUIET_HOURS, config.TZ_NAME),
      });
      if (r.sent.length) deps.broadcaster.kick();
      return { sent: r.sent, ...(r.withheld.length ? { withheld: r.withheld } : {}) };
    },
  };
}
