import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { allCommands } from "../../src/cli/commands/index.js";
import { CliError, createRegistry, UsageError } from "../../src/cli/registry.js";
import { databaseKinds, quietLogger } from "../support/database.js";
import { someUnits } from "../support/delivery.js";
import { agency, messagesTo, openDraft, resident, vn } from "../scheduler/fixtures.js";
import { useTestDatabase } from "../support/lifecycle.js";

describe.each(databaseKinds)("CLI jobs on %s", (kind) => {
  const database = useTestDatabase(kind);
  const registry = createRegistry(allCommands);


  const cli = async (argv: string[]) => {
    const found = registry.find(argv);
    if (!found) throw new Error(`no command ${argv.join(" ")}`);
    const out: string[] = [];
    const err: string[] = [];
    const input = found.command.parse(found.args);
    const code = await found.command.run(
      { db: database.db, config: loadConfig({}), logger: quietLogger(), out: (l) => out.push(l), err: (l) => err.push(l), signal: new AbortController().signal, via: "database" },
      input,
    );
    return { code: code ?? 0, out, err };
  };

  it("jobs run runs a job for the tick at or before --now, as the timer would, and a second call says it already ran", async () => {
    const [unit] = await someUnits(database.db, 1);
    const a = await agency(database.db);
    const { draft } = await openDraft(database.db, { agencyId: a.id, closesAt: vn("2031-03-20T17:00:00"), units: [unit!] });
    const r = await resident(database.db, unit!);

    const first = await cli(["jobs", "run", "deadline-reminders", "--now", "2031-03-13T08:15:00+07:00"]);
    expect(first.code).toBe(0);
    expect(first.out[0]).toBe("deadline-reminders ran for the tick 2031-03-13 08:00 (2031-03-13T01:00:00.000Z): done.");
    expect(first.out[1]).toBe(`  sent: [{"draftId":"${draft.id}","daysBefore":7,"recipients":1}]`);
    expect(await messagesTo(database.db, r.id, "reminder")).toHaveLength(1);

    const again = await cli(["jobs", "run", "deadline-reminders", "--now", "2031-03-13T11:00:00+07:00"]);
    expect(again.code).toBe(0);
    expect(again.out).toHaveLength(1);
    expect(again.out[0]).toMatch(/^deadline-reminders already ran for the tick 2031-03-13 08:00 \(2031-03-13T01:00:00\.000Z\): done, by cli:database:\d+ at .+\. Nothing done\.$/);
    expect(await messagesTo(database.db, r.id, "reminder")).toHaveLength(1);
  });

  it("jobs list shows each job with its schedule, last run and next run", async () => {
    await cli(["jobs", "run", "housekeeping", "--now", "2031-03-02T04:00:00+07:00"]);
    const { out } = await cli(["jobs", "list", "--now", "2031-03-02T12:00:00+07:00"]);
    expect(out[0]).toMatch(/^JOB\s+SCHEDULE\s+LAST RUN \(tick, status\)\s+NEXT RUN$/);
    const row = (name: string) => out.find((l) => l.startsWith(`${name} `))?.split(/\s{2,}/);
    expect(row("housekeeping")).toEqual(["housekeeping", "30 3 * * *", "2031-03-02 03:30 done", "2031-03-03 03:30"]);
    expect(row("deadline-reminders")).toEqual(["deadline-reminders", "0 8 * * *", "2031-03-13 08:00 done", "2031-03-03 08:00"]);
    expect(row("report-reminders")).toEqual(["report-reminders", "0 9 1,15 11 *", "never", "2031-11-01 09:00"]);
    expect(row("digest")).toEqual(["digest", "0 17 * * *", "never", "2031-03-02 17:00"]);
    expect(out).toContain("Times are local (Asia/Ho_Chi_Minh); bulk messages wait for the end of quiet hours (21:00-07:00).");
    expect(out.some((l) => l.startsWith("  closing-results: "))).toBe(true);
  });

  it("refuses an unknown job, a missing name and a --now without offset", async () => {
    await expect(cli(["jobs", "run", "nope"])).rejects.toThrow(CliError);
    await expect(cli(["jobs", "run", "nope"])).rejects.toThrow(/No job 'nope'. Jobs: draft-periods, closing-results/);
    expect(() => registry.find(["jobs", "run"])!.command.parse([])).toThrow(UsageError);
    expect(() => registry.find(["jobs", "run"])!.command.parse(["digest", "--now", "2031-03-02T12:00:00"])).toThrow(/--now must be an ISO 8601 time with an offset/);
    expect(() => registry.find(["jobs", "list"])!.command.parse(["extra"])).toThrow(UsageError);
  });
});
