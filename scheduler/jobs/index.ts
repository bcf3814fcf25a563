import type { Config } from "../../src/config.js";
import type { Broadcaster } from "../../src/delivery/broadcaster.js";
import type { Job } from "../scheduler.js";
import { draftPeriodsJob } from "./draft-periods.js";
import { digestJob } from "./digest.js";
import { relayReminderJob } from "./relay-reminder.js";
import { housekeepingJob } from "./housekeeping.js";
import { deadlineRemindersJob } from "./deadline-reminders.js";
import { closingResultsJob } from "./closing-results.js";
import { reportRemindersJob } from "./report-reminders.js";
import { retentionJob } from "./retention.js";

/** Every timed job of the service (the same list in the service and in `npm run cli -- jobs …`). */
export interface JobDeps {
  broadcaster: Broadcaster;
  config: Pick<Config, "DIGEST_TIME" | "REPORT_REMINDER_DATES">;
}

export function defaultJobs(deps: JobDeps): Job[] {
  const { broadcaster, config } = deps;
  return [
    draftPeriodsJob(broadcaster),
    closingResultsJob({ broadcaster }),
    deadlineRemindersJob({ broadcaster }),
    digestJob({ broadcaster, digestTime: config.DIGEST_TIME }),
    relayReminderJob({ broadcaster }),
    reportRemindersJob({ broadcaster, dates: config.REPORT_REMINDER_DATES }),
    housekeepingJob(),
    retentionJob(),
  ];
}
