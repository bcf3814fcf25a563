import { describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import cron from "node-cron";
import { databaseKinds, quietLogger } from "../support/database.js";
import { draftBody, isoVn } from "../support/drafts.js";
import { queryRows } from "../../src/db/client.js";
import { loadConfig } from "../../src/config.js";
import { drafts, jobRuns } from "../../src/db/schema/index.js";
import { noBroadcast, type Broadcaster } from "../../src/delivery/broadcaster.js";
import { createDraft } from "../../src/domain/drafts/create.js";
import { publishDraft } from "../../src/domain/drafts/publish.js";
import { createDraftBody } from "../../src/domain/drafts/schemas.js";
import type { Actor } from "../../src/domain/drafts/types.js";
import { createScheduler } from "../../scheduler/scheduler.js";
import { draftPeriodsJob } from "../../scheduler/jobs/draft-periods.js";
import { useTestDatabase } from "../support/lifecycle.js";

const DAY = 86_400_000;
const admin: Actor = { label: "test-admin", role: "admin", agencyId: null };

describe.each(databaseKinds)("scheduler: draft periods on %s", (kind) => {
  const database = useTestDatabase(kind);
  const config = loadConfig({ NODE_ENV: "test" });

  /** Records which drafts were announced, and when (publish or scheduler). */
  const announced: string[] = [];
  const recorder: Broadcaster = {
    ...noBroadcast,
    draftPublished: (_tx, id) => {
      announced.push(id);
      return Promise.resolve(null);
    },
  };
  const scheduler = (owner: string) => createScheduler({ db: database.db, logger: quietLogger(), config, jobs: [draftPeriodsJob(recorder)], owner });

  /** A published draft: opens at `opens`, closes at `closes`, published at `publishedAt`. */
  async function published(opens: Date, closes: Date, publishedAt: Date) {
    const d = await createDraft({ db: database.db }, admin, createDraftBody.parse(draftBody("Sở Công Thương", { commentOpensAt: isoVn(opens), commentClosesAt: isoVn(closes) })));
    return publishDraft({ db: database.db, broadcaster: recorder, minCommentDays: 30, now: () => publishedAt }, admin, d.id, {});
  }
  const statusOf = async (id: string) => (await database.db.select({ s: drafts.status, c: drafts.closedAt }).from(drafts).where(eq(drafts.id, id)))[0]!;
  const audits = (id: string) =>
    queryRows<{ actor: string; action: string }>(database.db, sql`select actor, action from audit_log where entity_id = ${id} and actor = 'scheduler' order by id`);

  it("opens scheduled drafts whose period began and closes open drafts past their deadline, audited as the scheduler", async () => {
    const t0 = new Date(Date.UTC(2031, 0, 1, 1, 0, 0));
    const soon = await published(new Date(t0.getTime() + 60_000 * 30), new Date(t0.getTime() + 40 * DAY), t0);
    const ending = await published(t0, new Date(t0.getTime() + 40 * DAY), t0);
    expect(soon.status).toBe("scheduled");
    expect(ending.status).toBe("open");
    // The draft that opens now is announced at publication; the scheduled one waits for its period.
    expect(announced).toContain(ending.id);
    expect(announced).not.toContain(soon.id);
    const s = scheduler("A");

    // Before either date: nothing moves.
    expect(await s.runSlot("draft-periods", new Date(t0.getTime() + 60_000 * 10))).toBe("ran");
    expect((await statusOf(soon.id)).s).toBe("scheduled");

    const afterOpen = new Date(t0.getTime() + 60_000 * 31);
    expect(await s.runSlot("draft-periods", afterOpen)).toBe("ran");
    expect((await statusOf(soon.id)).s).toBe("open");
    expect((await statusOf(ending.id)).s).toBe("open");
    expect(await audits(soon.id)).toEqual([{ actor: "scheduler", action: "draft.open" }]);
    expect(announced.filter((id) => id === soon.id)).toHaveLength(1);

    const afterClose = new Date(t0.getTime() + 40 * DAY + 60_000);
    expect(await s.runSlot("draft-periods", afterClose)).toBe("ran");
    expect(await statusOf(ending.id)).toEqual({ s: "closed", c: afterClose });
    expect((await statusOf(soon.id)).s).toBe("closed");
    expect(await audits(ending.id)).toEqual([{ actor: "scheduler", action: "draft.close" }]);

    const [run] = await database.db.select().from(jobRuns).where(and(eq(jobRuns.job, "draft-periods"), eq(jobRuns.slot, afterClose.toISOString())));
    expect(run).toMatchObject({ owner: "A", status: "done" });
    expect(run!.finishedAt).not.toBeNull();
    expect((run!.details as { closed: string[] }).closed).toEqual(expect.arrayContaining([ending.id, soon.id]));
  });

  it("a second instance's run of the same slot does nothing", async () => {
    const t0 = new Date(Date.UTC(2032, 5, 1, 0, 0, 0));
    const a = scheduler("A");
    const b = scheduler("B");
    const slot = new Date(t0.getTime() + 5 * 60_000);
    const first = await published(new Date(t0.getTime() + 60_000), new Date(t0.getTime() + 40 * DAY), t0);
    expect(await a.runSlot("draft-periods", slot)).toBe("ran");
    expect((await statusOf(first.id)).s).toBe("open");

    // Another draft becomes due; instance B ticks the same slot: it must not run.
    const second = await published(new Date(t0.getTime() + 2 * 60_000), new Date(t0.getTime() + 40 * DAY), t0);
    expect(await b.runSlot("draft-periods", slot)).toBe("skipped");
    expect((await statusOf(second.id)).s).toBe("scheduled");
    const runs = await database.db.select().from(jobRuns).where(and(eq(jobRuns.job, "draft-periods"), eq(jobRuns.slot, slot.toISOString())));
    expect(runs.map((r) => r.owner)).toEqual(["A"]);

    // The next slot is B's if B claims it first.
    const next = new Date(slot.getTime() + 60_000);
    expect(await b.runSlot("draft-periods", next)).toBe("ran");
    expect(await a.runSlot("draft-periods", next)).toBe("skipped");
    expect((await statusOf(second.id)).s).toBe("open");
  });

  it("a failing job is recorded as failed and does not throw", async () => {
    const s = createScheduler({
      db: database.db,
      logger: quietLogger(),
      config,
      owner: "A",
      jobs: [{ name: "boom", cron: "* * * * *", summary: "fails", run: () => Promise.reject(new Error("kaput")) }],
    });
    const slot = new Date(Date.UTC(2033, 0, 1));
    expect(await s.runSlot("boom", slot)).toBe("ran");
    const [run] = await database.db.select().from(jobRuns).where(and(eq(jobRuns.job, "boom"), eq(jobRuns.slot, slot.toISOString())));
    expect(run).toMatchObject({ status: "failed", details: { error: "kaput" } });
  });

  it("refuses an invalid cron expression or a job name with ':' at construction", () => {
    const bad = (job: { name: string; cron: string }) => () =>
      createScheduler({ db: database.db, logger: quietLogger(), config, jobs: [{ ...job, summary: "nothing", run: () => Promise.resolve() }] });
    expect(bad({ name: "x", cron: "every minute" })).toThrow(/invalid cron/);
    expect(bad({ name: "a:b", cron: "* * * * *" })).toThrow(/":"/);
  });

  it("start() schedules a node-cron task per job for the next minute; stop() removes it", async () => {
    const mine = () => [...cron.getTasks().values()].filter((t) => t.name === "draft-periods");
    const before = mine().length;
    const s = scheduler("C");
    await s.start();
    const [task] = mine().slice(before);
    expect(task).toBeDefined();
    expect(task!.getPattern()).toBe("* * * * *");
    expect(task!.msToNext()).toBeLessThanOrEqual(60_000);
    await s.stop();
    expect(mine()).toHaveLength(before);
  });
});
