import { advanceDraftPeriods } from "../../src/domain/drafts/periods.js";
import type { Broadcaster } from "../../src/delivery/broadcaster.js";
import type { Job } from "../scheduler.js";

/**
 * Every minute: scheduled drafts whose period began → open (and announced); open drafts past their
 * deadline → closed.
 */
export function draftPeriodsJob(broadcaster: Broadcaster): Job {
  return {
    name: "draft-periods",
    cron: "* * * * *",
    run: ({ db, now }) => advanceDraftPeriods(db, now, broadcaster),
  };
}
