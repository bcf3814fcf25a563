import { and, eq, lt, sql } from "drizzle-orm";
import type { RunCoordinator } from "node-cron";
import type { Db } from "../src/db/client.js";
import { jobRuns } from "../src/db/schema/index.js";

/** Rows of finished ticks older than this are removed as new ones are claimed. */
const KEEP_RUNS_MS = 7 * 86_400_000;

export interface JobOutcome {
  status: "done" | "failed";
  details: Record<string, unknown>;
}

/** node-cron's key is "<task name>:<slot ISO time>"; the name never contains ":". */
export function splitKey(key: string): { job: string; slot: string } {
  const i = key.indexOf(":");
  return i < 0 ? { job: key, slot: "" } : { job: key.slice(0, i), slot: key.slice(i + 1) };
}

/**
 * A node-cron RunCoordinator backed by job_runs: claiming a tick is an insert on the unique
 * (job, slot) key, so of several instances sharing the database exactly one runs each tick.
 * `outcome(key)` supplies what onComplete records (status and details) for that tick.
 */
export function databaseRunCoordinator(
  db: Db,
  owner: string,
  outcome: (key: string) => JobOutcome | undefined,
): RunCoordinator {
  return {
    async shouldRun(key) {
      const { job, slot } = splitKey(key);
      const claimed = await db.insert(jobRuns).values({ job, slot, owner }).onConflictDoNothing().returning({ id: jobRuns.id });
      if (claimed.length) {
        await db.delete(jobRuns).where(and(eq(jobRuns.job, job), lt(jobRuns.startedAt, new Date(Date.now() - KEEP_RUNS_MS))));
      }
      return claimed.length > 0;
    },
    async onComplete(key) {
      const { job, slot } = splitKey(key);
      const o = outcome(key);
      await db
        .update(jobRuns)
        .set({ finishedAt: sql`now()`, status: o?.status ?? "done", details: o?.details ?? null })
        .where(and(eq(jobRuns.job, job), eq(jobRuns.slot, slot), eq(jobRuns.owner, owner)));
    },
  };
}
