import { advanceDraftPeriods } from "../../src/domain/drafts/periods.js";
import type { Job } from "../scheduler.js";

/** Every minute: scheduled drafts whose period began → open; open drafts past their deadline → closed. */
export function draftPeriodsJob(): Job {
  return {
    name: "draft-periods",
    cron: "* * * * *",
    run: ({ db, now }) => advanceDraftPeriods(db, now),
  };
}
