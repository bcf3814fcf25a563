import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { loadConfig } from "../../src/config.js";
import type { Db } from "../../src/db/client.js";
import { draftReminders } from "../../src/db/schema/index.js";
import { createBroadcaster } from "../../src/delivery/broadcast.js";
import { updateDraft } from "../../src/domain/drafts/update.js";
import { encodeAction } from "../../src/messages/actions.js";
import { createScheduler } from "../../scheduler/scheduler.js";
import { deadlineRemindersJob } from "../../scheduler/jobs/deadline-reminders.js";
import { databaseKinds, quietLogger } from "../support/database.js";
import { useTestDatabase } from "../support/lifecycle.js";
import { someUnits } from "../support/delivery.js";
import { agency, answer, messagesTo, openDraft, resident, vn } from "./fixtures.js";

describe.each(databaseKinds)("scheduler: deadline reminders on %s", (kind) => {
  const database = useTestDatabase(kind);
  let db: Db;
  let UA: string, UB: string, UC: string, U4: string, U5: string, U6: string;
  const config = loadConfig({ NODE_ENV: "test" });
  const broadcaster = createBroadcaster({ timeZone: config.TZ_NAME });
  const job = deadlineRemindersJob({ broadcaster });
  const instance = (owner: string) => createScheduler({ db, logger: quietLogger(), config, jobs: [job], owner });

  beforeAll(async () => {
    db = database.db;
    // Each test has communes of its own: residents of one test are never another's audience.
    [UA, UB, UC, U4, U5, U6] = await someUnits(db, 6) as [string, string, string, string, string, string];
  });

  it("on the calendar days 7, 3 and 1 before the deadline at 08:00, once across two instances, to residents who have not answered every question and have not stopped", async () => {
    const a = await agency(db);
    const { draft, questions: [q1, q2] } = await openDraft(db, { agencyId: a.id, closesAt: vn("2031-03-20T17:00:00"), units: [UA, UB] });
    const none = await resident(db, UA);
    const half = await resident(db, UB, { locale: "en" });
    const all = await resident(db, UA);
    const stopped = await resident(db, UA, { status: "stopped" });
    const elsewhere = await resident(db, UC);
    const propagandist = await resident(db, UA, { role: "propagandist" });
    const early = vn("2031-03-01T10:00:00");
    await answer(db, draft.id, q1!.id, half.id, 0, UB, early);
    await answer(db, draft.id, q1!.id, all.id, 1, UA, early);
    await answer(db, draft.id, q2!.id, all.id, 0, UA, early);

    const [A, B] = [instance("A"), instance("B")];
    // The day before the 7-day reminder, and on its day before 08:00: nothing.
    expect(await A.runDue("deadline-reminders", vn("2031-03-12T08:00:00"))).toMatchObject({ status: "ran", outcome: { details: { sent: [] } } });
    expect(await A.runDue("deadline-reminders", vn("2031-03-13T07:59:00"))).toMatchObject({ status: "already-ran" });
    expect(await messagesTo(db, none.id, "reminder")).toEqual([]);

    // 08:00 on 13/03: the 7-day reminder, once, whichever instance gets the tick.
    const first = await A.runDue("deadline-reminders", vn("2031-03-13T08:00:00"));
    const second = await B.runDue("deadline-reminders", vn("2031-03-13T08:00:00"));
    expect(first).toMatchObject({ status: "ran", outcome: { details: { sent: [{ draftId: draft.id, daysBefore: 7, recipients: 2 }] } } });
    expect(second).toMatchObject({ status: "already-ran", by: "A" });

    const [vi] = await messagesTo(db, none.id, "reminder");
    expect(vi!.text).toContain("còn 7 ngày");
    expect(vi!.text).toContain("17:00 ngày 20/03/2031");
    expect(vi!.buttons?.flat()).toEqual([{ label: "Góp ý", action: encodeAction({ type: "answer", draftId: draft.id }) }]);
    const [en] = await messagesTo(db, half.id, "reminder");
    expect(en!.text).toContain("7 day(s) left");
    for (const s of [all, stopped, elsewhere, propagandist]) expect(await messagesTo(db, s.id, "reminder")).toEqual([]);

    // The same period run again directly (another tick of the same day) sends nothing new.
    expect(await job.run({ db, logger: quietLogger(), config, now: vn("2031-03-13T15:00:00") })).toMatchObject({ sent: [] });
    // Not a reminder day; then the 3-day and the 1-day reminders.
    expect(await B.runDue("deadline-reminders", vn("2031-03-15T08:00:00"))).toMatchObject({ outcome: { details: { sent: [] } } });
    expect(await B.runDue("deadline-reminders", vn("2031-03-17T08:00:00"))).toMatchObject({ outcome: { details: { sent: [{ daysBefore: 3, recipients: 2 }] } } });
    expect(await A.runDue("deadline-reminders", vn("2031-03-19T09:30:00"))).toMatchObject({ outcome: { details: { sent: [{ daysBefore: 1, recipients: 2 }] } } });
    const texts = (await messagesTo(db, none.id, "reminder")).map((m) => m.text);
    expect(texts).toHaveLength(3);
    expect(texts[1]).toContain("còn 3 ngày");
    expect(texts[2]).toContain("còn 1 ngày");
    // The person answers everything: no more reminders for them (and no period is left anyway).
    const periods = await db.select().from(draftReminders).where(eq(draftReminders.draftId, draft.id));
    expect(periods.map((p) => [p.daysBefore, p.dueOn, p.recipients]).sort()).toEqual([[1, "2031-03-19", 2], [3, "2031-03-17", 2], [7, "2031-03-13", 2]]);
  });

  it("after downtime: the missed 7-day reminder is not sent late, today's is caught up once at start, never one that would arrive after the deadline", async () => {
    const a = await agency(db);
    const { draft } = await openDraft(db, { agencyId: a.id, closesAt: vn("2031-04-20T17:00:00"), units: [U4] });
    const r = await resident(db, U4);
    // Down from 12/04 to 14/04 10:00: the start-up catch-up runs 14/04's tick; 13/04 (7 days) is not sent late.
    expect(await instance("A").catchUp(vn("2031-04-14T10:00:00"))).toMatchObject([{ status: "ran", outcome: { details: { sent: [] } } }]);
    expect(await messagesTo(db, r.id, "reminder")).toEqual([]);
    // Down over 17/04 08:00, back at 11:00: the 3-day reminder is caught up, once, whoever starts next.
    const caught = await instance("B").catchUp(vn("2031-04-17T11:00:00"));
    expect(caught).toMatchObject([{ status: "ran", outcome: { details: { sent: [{ draftId: draft.id, daysBefore: 3, recipients: 1 }] } } }]);
    expect(await instance("C").catchUp(vn("2031-04-17T11:05:00"))).toEqual([]);
    expect((await messagesTo(db, r.id, "reminder")).map((m) => m.text)).toEqual([expect.stringContaining("còn 3 ngày")]);

    // Back at 22:00 on the day of the 1-day reminder: it could only arrive tomorrow, the deadline's day: withheld.
    expect(await job.run({ db, logger: quietLogger(), config, now: vn("2031-04-19T22:00:00") })).toMatchObject({
      sent: [], withheld: [{ draftId: draft.id, daysBefore: 1, reason: "day-over" }],
    });
    // A deadline at 06:00: a 1-day reminder first found at 22:00 could only arrive after quiet hours, after the deadline.
    const { draft: early } = await openDraft(db, { agencyId: a.id, closesAt: vn("2031-05-10T06:00:00"), units: [U4], reminderDays: [1] });
    const withheld = await job.run({ db, logger: quietLogger(), config, now: vn("2031-05-09T22:00:00") });
    expect(withheld).toMatchObject({ sent: [], withheld: [{ draftId: early.id, daysBefore: 1, reason: "after-deadline" }] });
    expect(await db.select().from(draftReminders).where(eq(draftReminders.draftId, early.id))).toEqual([]);
  });

  it("an extension moves the reminders not yet sent and announces the new date once", async () => {
    const a = await agency(db);
    const { draft } = await openDraft(db, { agencyId: a.id, closesAt: vn("2031-05-20T17:00:00"), units: [U5] });
    const r = await resident(db, U5);
    await db.transaction((tx) => broadcaster.draftPublished(tx, draft.id, "test"));
    const run = (local: string) => job.run({ db, logger: quietLogger(), config, now: vn(local) }) as Promise<{ sent: { daysBefore: number }[] }>;

    expect((await run("2031-05-13T08:00:00")).sent).toMatchObject([{ daysBefore: 7 }]);
    const admin = { label: "key:admin", role: "admin" as const, agencyId: null };
    await updateDraft({ db, broadcaster, minCommentDays: 30 }, admin, draft.id, { commentClosesAt: "2031-05-30T17:00:00+07:00" });

    // The old dates pass silently; the 7-day period was sent already; 3 and 1 follow the new deadline.
    expect((await run("2031-05-17T08:00:00")).sent).toEqual([]);
    expect((await run("2031-05-19T08:00:00")).sent).toEqual([]);
    expect((await run("2031-05-23T08:00:00")).sent).toEqual([]);
    expect((await run("2031-05-27T08:00:00")).sent).toMatchObject([{ daysBefore: 3 }]);
    expect((await run("2031-05-29T08:00:00")).sent).toMatchObject([{ daysBefore: 1 }]);
    const texts = (await messagesTo(db, r.id, "reminder")).map((m) => m.text);
    expect(texts).toHaveLength(3);
    expect(texts[0]).toContain("20/05/2031");
    expect(texts[1]).toContain("30/05/2031");
    expect(texts[2]).toContain("30/05/2031");
    const extensions = await messagesTo(db, r.id, "extension");
    expect(extensions).toHaveLength(1);
    expect(extensions[0]!.text).toContain("30/05/2031");
  });

  it("reminderDays per draft: [] sends none, [2] sends on the second day before", async () => {
    const a = await agency(db);
    const { draft: silent } = await openDraft(db, { agencyId: a.id, closesAt: vn("2031-06-20T17:00:00"), units: [U6], reminderDays: [] });
    const { draft: custom } = await openDraft(db, { agencyId: a.id, closesAt: vn("2031-06-20T17:00:00"), units: [U6], reminderDays: [2] });
    await resident(db, U6);
    const out = [];
    for (const day of ["13", "17", "18", "19"]) out.push(await job.run({ db, logger: quietLogger(), config, now: vn(`2031-06-${day}T08:00:00`) }));
    expect(out.flatMap((o) => (o as { sent: { draftId: string; daysBefore: number }[] }).sent)).toEqual([{ draftId: custom.id, daysBefore: 2, recipients: 1 }]);
    expect(silent.reminderDays).toEqual([]);
  });
});
