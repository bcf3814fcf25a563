import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { claimDue, recipientOf } from "../../src/delivery/claim.js";
import { queryRows } from "../../src/db/client.js";
import { createBroadcast, enqueue, enqueueSelected } from "../../src/delivery/outbox.js";
import { PRIORITY_BULK, PRIORITY_REPLY } from "../../src/db/schema/index.js";
import { databaseKinds } from "../support/database.js";
import { useTestDatabase } from "../support/lifecycle.js";
import { seedSubscribers, someUnits } from "../support/delivery.js";

/** What a claim hands the adapter about each person: the address always, the messaging window when asked. */
describe.each(databaseKinds)("claiming deliveries on %s", (kind) => {
  const database = useTestDatabase(kind);

  it("reads each person's last interaction and locale with the claim for a channel with a window, and only then", async () => {
    const base = 3_000_000;
    await seedSubscribers(database.db, { count: 4, units: await someUnits(database.db, 1), channel: "zalo-oa", base, locale: "en" });
    const wroteAt = new Date("2026-11-25T08:30:00.000Z");
    await database.db.execute(sql`update subscribers set last_interaction_at = ${wroteAt.toISOString()}::timestamptz
      where channel = 'zalo-oa' and external_id in (${String(base)}, ${String(base + 1)})`);
    const queue = async () => {
      const broadcastId = await createBroadcast(database.db, null, "announcement", "test");
      await database.db.execute(enqueueSelected({
        broadcastId, kind: "announcement", message: sql`${JSON.stringify({ text: "Dự thảo" })}::jsonb`,
        from: sql`from subscribers s where s.channel = 'zalo-oa'`,
      }));
    };
    const claim = (withWindow: boolean) =>
      claimDue(database.db, { channel: "zalo-oa", limit: 10, repliesOnly: false, owner: "worker-a", leaseMs: 60_000, withWindow });

    await queue();
    const windowed = (await claim(true)).map(recipientOf);
    expect(windowed.map((to) => to.externalId).sort()).toEqual([0, 1, 2, 3].map((i) => String(base + i)));
    for (const to of windowed) {
      const wrote = Number(to.externalId) - base < 2;
      expect(to.window).toEqual({ lastInteractionAt: wrote ? wroteAt : null, locale: "en" });
    }

    await queue();
    const plain = (await claim(false)).map(recipientOf);
    expect(plain).toHaveLength(4);
    expect(plain.map((to) => to.window)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it("hands over a claim in queue order: replies first, then each person's messages in the order they were queued", async () => {
    const base = 3_100_000;
    await seedSubscribers(database.db, { count: 2, units: await someUnits(database.db, 1), channel: "telegram", base });
    const people = await queryRows<{ id: string }>(database.db, sql`select id from subscribers
      where channel = 'telegram' and external_id in (${String(base)}, ${String(base + 1)}) order by external_id`);
    const [first, second] = people.map((r) => r.id) as [string, string];
    const item = (subscriberId: string, text: string, priority: number) => ({ subscriberId, channel: "telegram", kind: priority === PRIORITY_REPLY ? "reply" : "announcement", message: { text }, priority });
    // Queued one at a time, interleaved: bulk, then replies in three parts, then more bulk.
    for (const entry of [item(second, "bulk 1", PRIORITY_BULK), item(first, "bulk 2", PRIORITY_BULK), item(second, "part 1", PRIORITY_REPLY),
      item(second, "part 2", PRIORITY_REPLY), item(first, "reply", PRIORITY_REPLY), item(second, "part 3", PRIORITY_REPLY), item(second, "bulk 3", PRIORITY_BULK)]) {
      await enqueue(database.db, [entry]);
    }
    const rows = await claimDue(database.db, { channel: "telegram", limit: 10, repliesOnly: false, owner: "worker-a", leaseMs: 60_000 });
    expect(rows.map((r) => r.message.text)).toEqual(["part 1", "part 2", "reply", "part 3", "bulk 1", "bulk 2", "bulk 3"]);
    expect(rows.map((r) => r.external_id)).toEqual([1, 1, 0, 1, 1, 0, 1].map((i) => String(base + i)));
  });
});
