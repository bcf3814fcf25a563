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
    summary: "scheduled drafts whose period began are opened and announced; drafts past their deadline are closed",
    run: ({ db, now }) => advanceDraftPeriods(db, now, broadcaster),
  };
}
