import { eraseIdentity, inactiveSince, lockIfInactive } from "../../src/domain/residents/data-rights.js";
import type { Job } from "../scheduler.js";

/** People erased per transaction: a long backlog goes in short transactions. */
const BATCH = 200;

/** `months` calendar months before `now` (the 31st falls back to the month's last day). */
export function monthsBefore(now: Date, months: number): Date {
  const d = new Date(now);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

/**
 * Daily at 03:45: the identities of subscribers who sent nothing for RETENTION_INACTIVE_MONTHS are erased
 * as `/xoadulieu` erases them (answers kept only as anonymous counts in the tallies).
 */
export function retentionJob(): Job {
  return {
    name: "retention",
    cron: "45 3 * * *",
    summary: "erase the identities of subscribers inactive for RETENTION_INACTIVE_MONTHS",
    async run({ db, now, config, logger }) {
      const before = monthsBefore(now, config.RETENTION_INACTIVE_MONTHS);
      let erased = 0;
      for (;;) {
        const batch = await inactiveSince(db, before, BATCH);
        if (!batch.length) break;
        await db.transaction(async (tx) => {
          for (const person of batch) {
            // Checked again under the person's lock: a message meanwhile keeps them.
            if (!(await lockIfInactive(tx, person.id, before))) continue;
            await eraseIdentity(tx, person);
            erased++;
          }
        });
        if (batch.length < BATCH) break;
      }
      if (erased) logger.info("inactive subscribers erased", { erased, before: before.toISOString() });
      return { erased, inactiveBefore: before.toISOString() };
    },
  };
}
