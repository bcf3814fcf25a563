import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { loadConfig } from "../../src/config.js";
import { jobRuns } from "../../src/db/schema/index.js";
import { noBroadcast } from "../../src/delivery/broadcaster.js";
import { cronSchedule } from "../../scheduler/schedule.js";
import { createScheduler, type Job } from "../../scheduler/scheduler.js";
import { defaultJobs } from "../../scheduler/jobs/index.js";
import { databaseKinds, quietLogger } from "../support/database.js";
import { vn } from "./fixtures.js";
import { useTestDatabase } from "../support/lifecycle.js";

const HCM = "Asia/Ho_Chi_Minh";

describe("job ticks computed in the local time zone", () => {
  it.each([
    ["0 8 * * *", "2026-12-03T08:00:00", "2026-12-03T08:00:00", "2026-12-04T08:00:00"],
    ["0 8 * * *", "2026-12-03T07:59:59", "2026-12-02T08:00:00", "2026-12-03T08:00:00"],
    ["*/5 * * * *", "2026-12-03T10:07:30", "2026-12-03T10:05:00", "2026-12-03T10:10:00"],
    ["0 9 1,15 11 *", "2026-11-27T12:00:00", "2026-11-15T09:00:00", "2027-11-01T09:00:00"],
    ["0 9 1,15 11 *", "2027-01-01T00:00:00", "2026-11-15T09:00:00", "2027-11-01T09:00:00"],
    ["30 3 * * *", "2027-01-01T00:10:00", "2026-12-31T03:30:00", "2027-01-01T03:30:00"],
  ])("%s at %s local: previous %s, next %s", (expr, at, previous, next) => {
    const s = cronSchedule(expr, HCM);
    expect(s.previous(vn(at))?.toISOString()).toBe(vn(previous).toISOString());
    expect(s.next(vn(at))?.toISOString()).toBe(vn(next).toISOString());
  });

  it("a tick missed longer ago than the horizon is not found", () => {
    expect(cronSchedule("0 9 1 11 *", HCM).previous(vn("2026-11-27T12:00:00"), 7)).toBeNull();
  });
});

describe.each(databaseKinds)("one way to run a job on %s", (kind) => {
  const database = useTestDatabase(kind);
  const config = loadConfig({ NODE_ENV: "test" });
  const runs: { job: string; now: string }[] = [];
  const counting = (name: string, cron: string): Job => ({
    name, cron, summary: `counts ${name}`,
    run: ({ now }) => {
      runs.push({ job: name, now: now.toISOString() });
      return Promise.resolve({ count: runs.length });
    },
  });
  const instance = (owner: string, jobs: Job[]) => createScheduler({ db: database.db, logger: quietLogger(), config, jobs, owner });


  it("each tick runs once across two instances sharing the database; the second is told who ran it", async () => {
    const job = counting("morning", "0 8 * * *");
    const [a, b] = [instance("A", [job]), instance("B", [job])];
    const both = await Promise.all([a.runDue("morning", vn("2031-01-05T08:00:00")), b.runDue("morning", vn("2031-01-05T08:00:00"))]);
    expect(both.map((r) => r.status).sort()).toEqual(["already-ran", "ran"]);
    const later = await a.runDue("morning", vn("2031-01-05T17:00:00"));
    expect(later).toMatchObject({ status: "already-ran", slot: vn("2031-01-05T08:00:00") });
    expect(runs.filter((r) => r.job === "morning")).toHaveLength(1);
    expect(await b.runDue("morning", vn("2031-01-06T08:00:01"))).toMatchObject({ status: "ran" });
    expect(runs.filter((r) => r.job === "morning")).toHaveLength(2);
  });

  it("a tick missed while no instance ran is caught up once at start (with the time of the start), older ones are not", async () => {
    const job = counting("daily", "0 6 * * *");
    expect(await instance("A", [job]).runDue("daily", vn("2031-02-01T06:00:00"))).toMatchObject({ status: "ran" });
    // Down from 01/02 evening to 04/02 09:00: only 04/02 06:00 is run, once, with now = the start.
    const first = await instance("B", [job]).catchUp(vn("2031-02-04T09:00:00"));
    expect(first).toMatchObject([{ status: "ran", job: "daily", slot: vn("2031-02-04T06:00:00") }]);
    expect(runs.at(-1)).toEqual({ job: "daily", now: vn("2031-02-04T09:00:00").toISOString() });
    expect(await instance("C", [job]).catchUp(vn("2031-02-04T09:01:00"))).toEqual([]);
    // Down for more than CATCH_UP_DAYS: nothing is caught up.
    const weekly = counting("weekly", "0 6 * * 1");
    expect(await instance("D", [weekly]).catchUp(vn("2031-02-19T09:00:00"))).toMatchObject([{ slot: vn("2031-02-17T06:00:00") }]);
    const yearly = counting("yearly", "0 6 1 1 *");
    expect(await instance("D", [yearly]).catchUp(vn("2031-02-19T09:00:00"))).toEqual([]);
    expect(runs.filter((r) => r.job === "daily")).toHaveLength(2);
  });

  it("start() catches up the latest tick once; stop() waits for it", async () => {
    const job = counting("hourly", "0 * * * *");
    const s = instance("E", [job]);
    await s.start();
    await s.stop();
    const rows = await database.db.select().from(jobRuns).where(eq(jobRuns.job, "hourly"));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ owner: "E", status: "done" });
    expect(new Date(rows[0]!.slot).getUTCMinutes()).toBe(0);
  });

  it("list shows each job, its schedule, its last and its next run", async () => {
    const jobs = defaultJobs({ broadcaster: noBroadcast, config });
    const s = instance("F", jobs);
    await s.runDue("housekeeping", vn("2031-03-02T04:00:00"));
    const list = await s.list(vn("2031-03-02T12:00:00"));
    expect(list.map((j) => [j.name, j.cron])).toEqual([
      ["draft-periods", "* * * * *"],
      ["closing-results", "*/5 * * * *"],
      ["deadline-reminders", "0 8 * * *"],
      ["digest", "0 17 * * *"],
      ["relay-reminder", "7 * * * *"],
      ["report-reminders", "0 9 1,15 11 *"],
      ["housekeeping", "30 3 * * *"],
      ["retention", "45 3 * * *"],
    ]);
    const byName = Object.fromEntries(list.map((j) => [j.name, j]));
    expect(byName.housekeeping!.last).toMatchObject({ slot: vn("2031-03-02T03:30:00").toISOString(), owner: "F", status: "done" });
    expect(byName.housekeeping!.next?.toISOString()).toBe(vn("2031-03-03T03:30:00").toISOString());
    expect(byName["report-reminders"]!.next?.toISOString()).toBe(vn("2031-11-01T09:00:00").toISOString());
    expect(byName["deadline-reminders"]!.last).toBeNull();
    const [row] = await database.db.select().from(jobRuns).where(and(eq(jobRuns.job, "housekeeping"), eq(jobRuns.owner, "F")));
    expect(row?.details).toMatchObject({ replayKeysRemoved: 0 });
  });
});
