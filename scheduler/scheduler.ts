import { randomUUID } from "node:crypto";
import os from "node:os";
import cron, { type ScheduledTask } from "node-cron";
import type { Config } from "../src/config.js";
import type { Db } from "../src/db/client.js";
import type { Logger } from "../src/logger.js";
import { databaseRunCoordinator, type JobOutcome } from "./coordinator.js";

export interface JobContext {
  db: Db;
  logger: Logger;
  config: Config;
  /** The time of the run (the tick, or what a test passes). */
  now: Date;
}

/** A timed job. `name` is its key in job_runs (no ":"); `cron` a 5- or 6-field expression in TZ_NAME. */
export interface Job {
  name: string;
  cron: string;
  run(ctx: JobContext): Promise<Record<string, unknown> | void>;
}

export interface SchedulerDeps {
  db: Db;
  logger: Logger;
  config: Config;
  jobs: Job[];
  /** Identifies this instance in job_runs.owner. */
  owner?: string;
}

export interface Scheduler {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Run one job for one tick exactly as the timer would, through the job_runs coordinator.
   * Returns "skipped" when another instance (or an earlier call) already has this slot.
   */
  runSlot(jobName: string, slot: Date, now?: Date): Promise<"ran" | "skipped">;
}

/**
 * The timed jobs (a service Component). Each job is a node-cron task in config.TZ_NAME with noOverlap,
 * coordinated through job_runs so that several instances sharing a database run each tick once.
 */
export function createScheduler(deps: SchedulerDeps): Scheduler {
  const log = deps.logger.child({ component: "scheduler" });
  const owner = deps.owner ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const outcomes = new Map<string, JobOutcome>();
  const coordinator = databaseRunCoordinator(deps.db, owner, (key) => {
    const o = outcomes.get(key);
    outcomes.delete(key);
    return o;
  });
  for (const job of deps.jobs) {
    if (job.name.includes(":")) throw new Error(`job name ${job.name} must not contain ":"`);
    if (!cron.validate(job.cron)) throw new Error(`job ${job.name}: invalid cron expression ${job.cron}`);
  }
  const byName = new Map(deps.jobs.map((j) => [j.name, j]));
  const tasks: ScheduledTask[] = [];

  /** Run the job and remember its outcome for onComplete; never throws. */
  const execute = async (job: Job, key: string, now: Date) => {
    try {
      const details = (await job.run({ db: deps.db, logger: log, config: deps.config, now })) ?? {};
      outcomes.set(key, { status: "done", details });
      if (Object.values(details).some((v) => Array.isArray(v) ? v.length > 0 : Boolean(v))) log.info("job ran", { job: job.name, ...details });
    } catch (err) {
      outcomes.set(key, { status: "failed", details: { error: err instanceof Error ? err.message : String(err) } });
      log.error("job failed", { job: job.name, err });
    }
  };

  return {
    name: "scheduler",
    start() {
      for (const job of deps.jobs) {
        const task = cron.createTask(
          job.cron,
          async (ctx) => {
            const key = `${job.name}:${ctx.date.toISOString()}`;
            await execute(job, key, new Date());
          },
          {
            name: job.name,
            timezone: deps.config.TZ_NAME,
            noOverlap: true,
            distributed: true,
            runCoordinator: coordinator,
          },
        );
        tasks.push(task);
      }
      for (const t of tasks) void t.start();
      log.info("scheduler started", { jobs: deps.jobs.map((j) => `${j.name} (${j.cron})`), timezone: deps.config.TZ_NAME });
      return Promise.resolve();
    },
    async stop() {
      for (const t of tasks.splice(0)) await t.destroy();
    },
    async runSlot(jobName, slot, now = slot) {
      const job = byName.get(jobName);
      if (!job) throw new Error(`no job ${jobName}`);
      const key = `${job.name}:${slot.toISOString()}`;
      if (!(await coordinator.shouldRun(key, 30_000))) return "skipped";
      try {
        await execute(job, key, now);
      } finally {
        await coordinator.onComplete?.(key);
      }
      return "ran";
    },
  };
}
