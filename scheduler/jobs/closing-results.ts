import type { Broadcaster } from "../../src/delivery/broadcaster.js";
import { sendClosingResults } from "../../src/domain/results/closing.js";
import type { Job } from "../scheduler.js";

/**
 * Every five minutes: drafts closed since the last run (at their deadline by draft-periods, or early)
 * get their final digest to officers and the results to every respondent, once per draft.
 */
export function closingResultsJob(deps: { broadcaster: Broadcaster }): Job {
  return {
    name: "closing-results",
    cron: "*/5 * * * *",
    summary: "after a draft closes: the final digest to its officers and the results to every respondent",
    async run({ db, config, now }) {
      const r = await sendClosingResults(db, { now, timeZone: config.TZ_NAME, windowDays: config.ZALO_OA_WINDOW_DAYS });
      if (r.drafts.length) deps.broadcaster.kick();
      return { drafts: r.drafts };
    },
  };
}
