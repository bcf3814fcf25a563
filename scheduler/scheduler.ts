import { randomUUID } from "node:crypto";
import os from "node:os";
import { and, desc, eq } from "drizzle-orm";
import cron, { type ScheduledTask } from "node-cron";
import type { Config } from "../src/config.js";
import type { Db } from "../src/db/client.js";
import { jobRuns } from "../src/db/schema/index.js";
import type { Logger } from "../src/logger.js";
import { databaseRunCoordinator, type JobOutcome } from "./coordinator.js";
import { cronSchedule, type CronSchedule } from "./schedule.js";

/** What every job gets: the services, and the time it runs for. */
export interface JobContext {
  db: Db;
  logger: Logger;
  config: Config;
  /** The time of the run (the tick, the start-up catch-up, or what `jobs run --now` / a test passes). */
  now: Date;
}

/**
 * A timed job: a plain function of (services, now) plus a schedule. `name` is its key in job_runs
 * (no ":"); `cron` a 5-field expression in TZ_NAME. One tick (job, slot) runs once across instances;
 * a job that sends to people keys its own periods further (a draft's "3 days before", a draft's closing)
 * so that a period is never sent twice whatever runs it.
 */
export interface Job {
  name: string;
  cron: string;
  /** One line for `jobs list`: what the job does. */
  summary: string;
  /** Run the latest tick at start when it was missed while no instance ran (default true). */
  catchUp?: boolean;
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

/** How a run by hand (or a catch-up) went. */
export type RunResult =
  | { status: "ran"; job: string; slot: Date; outcome: JobOutcome }
  | { status: "already-ran"; job: string; slot: Date; by: string; startedAt: Date; finishedAt: Date | null; runStatus: string }
  | { status: "no-tick"; job: string };

export interface JobListing {
  name: string;
  cron: string;
  summary: string;
  last: { slot: string; owner: string; startedAt: Date; finishedAt: Date | null; status: string } | null;
  next: Date | null;
}

export interface Scheduler {
  name: string;
  /** The jobs' names, in order. */
  jobNames: string[];
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Run one job for one tick exactly as the timer would, through the job_runs coordinator.
   * Returns "skipped" when another instance (or an earlier call) already has this slot.
   */
  runSlot(jobName: string, slot: Date, now?: Date): Promise<"ran" | "skipped">;
  /** Run the job for the tick at or before `now`, as the timer would have: once per tick; says who ran it first. */
  runDue(jobName: string, now: Date): Promise<RunResult>;
  /** Jobs whose latest tick (within CATCH_UP_DAYS) has no run in job_runs: run that tick once, now. */
  catchUp(now: Date): Promise<RunResult[]>;
  /** Each job with its schedule, its last run and its next tick after `now`. */
  list(now: Date): Promise<JobListing[]>;
}

/** A tick missed longer ago than this is not caught up at start (the next tick will come). */
export const CATCH_UP_DAYS = 7;

/**
 * The timed jobs (a service Component). Each job is a node-cron task in config.TZ_NAME with noOverlap,
 * coordinated through job_runs so that several instances sharing a database run each tick once. At
 * start, each job's latest tick missed while the service was down is run once (catch-up); a job that
 * sends to people decides itself what is still due then (a reminder is never sent after its day).
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
  const schedules = new Map<string, CronSchedule>(deps.jobs.map((j) => [j.name, cronSchedule(j.cron, deps.config.TZ_NAME)]));
  const tasks: ScheduledTask[] = [];
  let catchingUp: Promise<unknown> | null = null;

  const jobNamed = (name: string) => {
    const job = byName.get(name);
    if (!job) throw new Error(`no job ${name}`);
    return job;
  };

  /** Run the job and remember its outcome for onComplete; never throws. */
  const execute = async (job: Job, key: string, now: Date): Promise<JobOutcome> => {
    let outcome: JobOutcome;
    try {
      const details = (await job.run({ db: deps.db, logger: log, config: deps.config, now })) ?? {};
      outcome = { status: "done", details };
      if (Object.values(details).some((v) => Array.isArray(v) ? v.length > 0 : Boolean(v))) log.info("job ran", { job: job.name, ...details });
    } catch (err) {
      outcome = { status: "failed", details: { error: err instanceof Error ? err.message : String(err) } };
      log.error("job failed", { job: job.name, err });
    }
    outcomes.set(key, outcome);
    return outcome;
  };

  /** Claim (job, slot) and run it; null when the slot was already claimed. */
  const claimAndRun = async (job: Job, slot: Date, now: Date): Promise<JobOutcome | null> => {
    const key = `${job.name}:${slot.toISOString()}`;
    if (!(await coordinator.shouldRun(key, 30_000))) return null;
    try {
      return await execute(job, key, now);
    } finally {
      await coordinator.onComplete?.(key);
    }
  };

  const runAt = async (job: Job, slot: Date, now: Date): Promise<RunResult> => {
    const outcome = await claimAndRun(job, slot, now);
    if (outcome) return { status: "ran", job: job.name, slot, outcome };
    const [r] = await deps.db.select().from(jobRuns).where(and(eq(jobRuns.job, job.name), eq(jobRuns.slot, slot.toISOString()))).limit(1);
    return {
      status: "already-ran", job: job.name, slot, by: r?.owner ?? "?", startedAt: r?.startedAt ?? slot, finishedAt: r?.finishedAt ?? null, runStatus: r?.status ?? "?",
    };
  };

  const scheduler: Scheduler = {
    name: "scheduler",
    jobNames: deps.jobs.map((j) => j.name),
    start() {
      for (const job of deps.jobs) {
        const task = cron.createTask(
          job.cron,
          async (ctx) => {
            // The tick on its whole minute: the same key as a catch-up or `jobs run` of that tick.
            const slot = schedules.get(job.name)!.previous(ctx.date) ?? ctx.date;
            await claimAndRun(job, slot, new Date());
          },
          { name: job.name, timezone: deps.config.TZ_NAME, noOverlap: true },
        );
        tasks.push(task);
      }
      for (const t of tasks) void t.start();
      log.info("scheduler started", { jobs: deps.jobs.map((j) => `${j.name} (${j.cron})`), timezone: deps.config.TZ_NAME });
      catchingUp = scheduler.catchUp(new Date()).catch((err: unknown) => log.error("catching up missed jobs failed", { err }));
      return Promise.resolve();
    },
    async stop() {
      for (const t of tasks.splice(0)) await t.destroy();
      await catchingUp;
    },
    async runSlot(jobName, slot, now = slot) {
      return (await claimAndRun(jobNamed(jobName), slot, now)) ? "ran" : "skipped";
    },
    async runDue(jobName, now) {
      const job = jobNamed(jobName);
      const slot = schedules.get(job.name)!.previous(now);
      if (!slot) return { status: "no-tick", job: job.name };
      return runAt(job, slot, now);
    },
    async catchUp(now) {
      const results: RunResult[] = [];
      for (const job of deps.jobs) {
        if (job.catchUp === false) continue;
        const slot = schedules.get(job.name)!.previous(now, CATCH_UP_DAYS);
        if (!slot || slot.getTime() < now.getTime() - CATCH_UP_DAYS * 86_400_000) continue;
        const r = await runAt(job, slot, now);
        if (r.status === "ran") {
          log.info("caught up a tick missed while the service was down", { job: job.name, slot: slot.toISOString() });
          results.push(r);
        }
      }
      return results;
    },
    async list(now) {
      const out: JobListing[] = [];
      for (const job of deps.jobs) {
        const [last] = await deps.db.select().from(jobRuns).where(eq(jobRuns.job, job.name)).orderBy(desc(jobRuns.startedAt), desc(jobRuns.id)).limit(1);
        out.push({
          name: job.name,
          cron: job.cron,
          summary: job.summary,
          last: last ? { slot: last.slot, owner: last.owner, startedAt: last.startedAt, finishedAt: last.finishedAt, status: last.status } : null,
          next: schedules.get(job.name)!.next(now),
        });
      }
      return out;
    },
  };
  return scheduler;
}
