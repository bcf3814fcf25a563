import { describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { queryRows } from "../../src/db/client.js";
import { loadConfig } from "../../src/config.js";
import { drafts, jobRuns } from "../../src/db/schema/index.js";
import { draftStats } from "../../src/domain/stats.js";
import type { InboundEvent } from "../../src/channels/adapter.js";
import type { OutboundMessage } from "../../src/channels/message.js";
import { createScheduler } from "../../scheduler/scheduler.js";
import { monthsBefore, retentionJob } from "../../scheduler/jobs/retention.js";
import { databaseKinds, quietLogger } from "../support/database.js";
import { createOpenDraft, subscriberOf } from "../support/conversation-fixtures.js";
import { useConversations } from "../support/lifecycle.js";

describe("monthsBefore", () => {
  it("counts calendar months back, the 31st falling back to the month's last day", () => {
    expect(monthsBefore(new Date("2031-03-02T04:00:00Z"), 24).toISOString()).toBe("2029-03-02T04:00:00.000Z");
    expect(monthsBefore(new Date("2031-03-31T10:00:00Z"), 1).toISOString()).toBe("2031-02-28T10:00:00.000Z");
  });
});

describe.each(databaseKinds)("scheduler: retention on %s", (kind) => {
  const { database, inbound } = useConversations(kind);
  let n = 0;

  const now = new Date(Date.UTC(2031, 2, 1, 20, 45));
  const month = 30 * 86_400_000;
  async function send(event: InboundEvent) {
    const [r] = await inbound.handle([event]);
    return r!;
  }
  const base = (user: string, at: Date) => ({ channel: "sim" as const, externalId: user, displayName: `Tên ${user}`, updateKey: `r${++n}`, at });
  const say = (user: string, at: Date, text: string) => send({ ...base(user, at), type: "text", text });
  const press = (user: string, at: Date, action: string) => send({ ...base(user, at), type: "action", action });
  const actions = (m: OutboundMessage | undefined) => (m?.buttons ?? []).flat().map((b) => b.action);

  async function subscribeAt(user: string, at: Date) {
    await say(user, at, "/start");
    const confirm = await say(user, at, "mai pha");
    await press(user, at, actions(confirm.replies[0])[0]!);
    await press(user, at, "consent:yes");
  }

  it("erases only the identities inactive for 24 months, keeps their answers in the tallies, once per day", async () => {
    const old = new Date(now.getTime() - 25 * month);
    const recent = new Date(now.getTime() - 23 * month);
    const { draftId, questionIds } = await createOpenDraft(database.db, { units: ["05977"] });
    await subscribeAt("old", old);
    await press("old", old, `answer:${draftId}`);
    await press("old", old, `choice:${questionIds[0]}:1`);
    await say("never-consented", old, "/start");
    await subscribeAt("recent", recent);
    await press("recent", recent, `answer:${draftId}`);
    await press("recent", recent, `choice:${questionIds[0]}:0`);
    const oldId = (await subscriberOf(database.db, "old"))!.id;
    const [d] = await database.db.select().from(drafts).where(eq(drafts.id, draftId));
    const before = await draftStats(database.db, d!);
    expect(before.totals.answers).toBe(2);

    const s = createScheduler({ db: database.db, logger: quietLogger(), config: loadConfig({ NODE_ENV: "test" }), jobs: [retentionJob()], owner: "A" });
    const first = await s.runDue("retention", now);
    expect(first.status).toBe("ran");
    expect(await subscriberOf(database.db, "old")).toBeNull();
    expect(await subscriberOf(database.db, "never-consented")).toBeNull();
    expect((await subscriberOf(database.db, "recent"))?.status).toBe("active");
    const [left] = await queryRows<{ n: number }>(database.db, sql`select
      (select count(*)::int from subscriptions where subscriber_id = ${oldId}::uuid)
      + (select count(*)::int from answers where subscriber_id = ${oldId}::uuid)
      + (select count(*)::int from consents where subscriber_id = ${oldId}::uuid)
      + (select count(*)::int from subscribers where display_name = 'Tên old') as n`);
    expect(left!.n).toBe(0);
    const after = await draftStats(database.db, d!);
    expect(after.totals).toEqual({ ...before.totals, subscribers: before.totals.subscribers - 1 });
    expect(after.questions).toEqual(before.questions);

    // The same day again: the tick already ran, nothing more is done.
    const again = await s.runDue("retention", new Date(now.getTime() + 3600_000));
    expect(again.status).toBe("already-ran");
    const runs = await database.db.select().from(jobRuns).where(eq(jobRuns.job, "retention"));
    expect(runs).toHaveLength(1);
    expect(runs[0]!.details).toMatchObject({ erased: 2 });

    // Two months later the recent one is past 24 months too.
    const later = await s.runDue("retention", new Date(now.getTime() + 2 * month));
    expect(later.status).toBe("ran");
    expect(await subscriberOf(database.db, "recent")).toBeNull();
    expect((await draftStats(database.db, d!)).totals.answers).toBe(2);
  });
});
