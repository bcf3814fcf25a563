import type { Job } from "../scheduler.js";
import { draftPeriodsJob } from "./draft-periods.js";

/** Every timed job of the service; later issues add reminders, digests, relay follow-ups, reports. */
export function defaultJobs(): Job[] {
  return [draftPeriodsJob()];
}
