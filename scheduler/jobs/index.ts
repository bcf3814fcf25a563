import type { Broadcaster } from "../../src/delivery/broadcaster.js";
import type { Job } from "../scheduler.js";
import { draftPeriodsJob } from "./draft-periods.js";
import { digestJob } from "./digest.js";
import { relayReminderJob } from "./relay-reminder.js";
import { housekeepingJob } from "./housekeeping.js";

/** Every timed job of the service; later issues add reminders, digests, relay follow-ups, reports. */
export interface JobDeps {
  broadcaster: Broadcaster;
  /** Local time of the officers' daily digest (config.DIGEST_TIME); default "17:00". */
  digestTime?: string;
}

export function defaultJobs(deps: JobDeps): Job[] {
  return [draftPeriodsJob(deps.broadcaster), digestJob(deps), relayReminderJob(deps), housekeepingJob()];
}
