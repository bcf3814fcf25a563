import { lt } from "drizzle-orm";
import { inboundUpdates } from "../../src/db/schema/index.js";
import type { Job } from "../scheduler.js";

/** How long a replayed update is still recognised. Platforms stop redelivering within a day (Zalo: hours). */
export const REPLAY_WINDOW_DAYS = 30;

/** Nightly at 03:30: forget replay keys older than the replay window, so the table does not grow for ever. */
export function housekeepingJob(): Job {
  return {
    name: "housekeeping",
    cron: "30 3 * * *",
    summary: "forget replay keys older than the replay window",
    async run({ db, now }) {
      const before = new Date(now.getTime() - REPLAY_WINDOW_DAYS * 86_400_000);
      const removed = await db.delete(inboundUpdates).where(lt(inboundUpdates.receivedAt, before)).returning({ k: inboundUpdates.updateKey });
      return { replayKeysRemoved: removed.length };
    },
  };
}
