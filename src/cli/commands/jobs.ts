import { createBroadcaster } from "../../delivery/broadcast.js";
import { localDateTime } from "../../text/local-time.js";
import { createScheduler, type RunResult, type Scheduler } from "../../../scheduler/scheduler.js";
import { defaultJobs } from "../../../scheduler/jobs/index.js";
import { parseCommandArgs, parseOptions, stringOptions } from "../args.js";
import { CliError, defineCommand, UsageError, type CliCommand, type CommandContext } from "../registry.js";
import { formatTable } from "../table.js";

const LIST_USAGE = [
  "Usage: npm run cli -- jobs list [--now <ISO 8601>]",
  "",
  "  Every timed job: its schedule (cron, local time), its last run and its next run.",
  "  --now   the time to compute the next run from (default: now)",
].join("\n");

const RUN_USAGE = [
  "Usage: npm run cli -- jobs run <name> [--now <ISO 8601>]",
  "",
  "  Run one job by hand exactly as the timer would, for the tick at or before --now (default: now).",
  "  A tick runs once, whoever runs it: a second call for the same tick does nothing and says so.",
  "  --now   e.g. 2026-12-03T08:00:00+07:00 (a time zone offset or Z is required)",
].join("\n");

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function parseNow(value: string | undefined, usage: string): Date | undefined {
  if (value === undefined) return undefined;
  const at = new Date(value);
  if (!ISO.test(value) || Number.isNaN(at.getTime())) throw new UsageError(`--now must be an ISO 8601 time with an offset, e.g. 2026-12-03T08:00:00+07:00; got '${value}'.`, usage);
  return at;
}

/** The service's scheduler over the command's database, not started: the same jobs, ticks and job_runs. */
function schedulerFor(ctx: CommandContext): Scheduler {
  const broadcaster = createBroadcaster({ timeZone: ctx.config.TZ_NAME });
  return createScheduler({
    db: ctx.db,
    logger: ctx.logger,
    config: ctx.config,
    jobs: defaultJobs({ broadcaster, config: ctx.config }),
    owner: `cli:${ctx.via}:${process.pid}`,
  });
}

const local = (ctx: CommandContext, at: Date) => `${localDateTime(at, ctx.config.TZ_NAME).slice(0, 16)}`;

const list = defineCommand({
  name: "jobs list",
  summary: "timed jobs with their schedule, last and next run",
  usage: LIST_USAGE,
  parse(args) {
    return { now: parseNow(parseOptions(args, stringOptions("now"), LIST_USAGE).now, LIST_USAGE) };
  },
  async run(ctx, input) {
    const now = input.now ?? new Date();
    const jobs = await schedulerFor(ctx).list(now);
    const rows = jobs.map((j) => [
      j.name,
      j.cron,
      j.last ? `${local(ctx, new Date(j.last.slot))} ${j.last.status}${j.last.finishedAt ? "" : " (unfinished)"}` : "never",
      j.next ? local(ctx, j.next) : "none",
    ]);
    for (const line of formatTable(["JOB", "SCHEDULE", "LAST RUN (tick, status)", "NEXT RUN"], rows)) ctx.out(line);
    ctx.out("");
    ctx.out(`Times are local (${ctx.config.TZ_NAME}); bulk messages wait for the end of quiet hours (${ctx.config.QUIET_HOURS}).`);
    for (const j of jobs) ctx.out(`  ${j.name}: ${j.summary}`);
  },
});

function describe(ctx: CommandContext, r: RunResult): { lines: string[]; code: number } {
  if (r.status === "no-tick") return { lines: [`${r.job} has no tick at or before that time.`], code: 1 };
  const tick = `${local(ctx, r.slot)} (${r.slot.toISOString()})`;
  if (r.status === "already-ran") {
    return {
      lines: [`${r.job} already ran for the tick ${tick}: ${r.runStatus}, by ${r.by} at ${r.startedAt.toISOString()}. Nothing done.`],
      code: 0,
    };
  }
  const lines = [`${r.job} ran for the tick ${tick}: ${r.outcome.status}.`];
  for (const [k, v] of Object.entries(r.outcome.details)) lines.push(`  ${k}: ${JSON.stringify(v)}`);
  return { lines, code: r.outcome.status === "done" ? 0 : 1 };
}

const run = defineCommand({
  name: "jobs run",
  summary: "run one timed job by hand as the timer would (once per tick)",
  usage: RUN_USAGE,
  parse(args) {
    const { values, positionals } = parseCommandArgs(args, stringOptions("now"), RUN_USAGE);
    if (positionals.length !== 1) throw new UsageError("Give exactly one job name (see: npm run cli -- jobs list).", RUN_USAGE);
    return { name: positionals[0]!, now: parseNow(values.now, RUN_USAGE) };
  },
  async run(ctx, input) {
    const scheduler = schedulerFor(ctx);
    const names = scheduler.jobNames;
    if (!names.includes(input.name)) throw new CliError(`No job '${input.name}'. Jobs: ${names.join(", ")}.`, 64);
    const { lines, code } = describe(ctx, await scheduler.runDue(input.name, input.now ?? new Date()));
    for (const l of lines) ctx.out(l);
    return code;
  },
});

export const jobsCommands: CliCommand[] = [list, run];
