import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, type Database } from "../../src/db/client.js";
import { claimDue, type ClaimedRow } from "../../src/delivery/claim.js";
import { createBroadcast, enqueueSelected } from "../../src/delivery/outbox.js";
import { outcomeGroupUpdate, recordOutcomes, type Outcome } from "../../src/delivery/outcomes.js";
import { createTestDatabase, databaseKinds } from "../support/database.js";
import { seedSubscribers, someUnits } from "../support/delivery.js";

const PEOPLE = 1_200;
const sent = (r: ClaimedRow): Outcome => ({ id: r.id, subscriberId: r.subscriber_id, state: "sent", externalId: `m${r.id}` });

describe.each(databaseKinds)("writing a group of outcomes back, on %s", (kind) => {
  let database: Database;
  let broadcastId: string;
  let mine: ClaimedRow[];
  let theirs: ClaimedRow[];

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await seedSubscribers(database.db, { count: PEOPLE, units: await someUnits(database.db, 3) });
    broadcastId = await createBroadcast(database.db, null, "announcement", "test");
    await database.db.execute(enqueueSelected({
      broadcastId, kind: "announcement", message: sql`${JSON.stringify({ text: "Dự thảo" })}::jsonb`,
      from: sql`from subscribers s`,
    }));
    // Statistics taken while every row is queued, as right after a broadcast is published: they say no
    // row is being sent, which once made the lease index look cheap to the planner.
    await database.db.execute(sql`analyze deliveries`);
    mine = await claimDue(database.db, { channel: "telegram", limit: 1_000, repliesOnly: false, owner: "worker-a", leaseMs: 60_000 });
    theirs = await claimDue(database.db, { channel: "telegram", limit: 100, repliesOnly: false, owner: "worker-b", leaseMs: 60_000 });
  });
  afterAll(() => database?.close());

  it("finds each row of the group by its primary key, not by reading every row the worker leases", async () => {
    expect(mine).toHaveLength(1_000);
    const plan = await queryRows<Record<string, string>>(database.db, sql`explain ${outcomeGroupUpdate("worker-a", mine.slice(0, 40).map(sent))}`);
    const text = plan.map((r) => Object.values(r)[0]).join("\n");
    expect(text).toContain("deliveries_pkey");
    expect(text).not.toContain("deliveries_lease_idx");
  });

  it("writes the group's outcomes to this worker's rows only, and leaves the rest leased", async () => {
    const group = mine.slice(0, 40);
    const retried = mine[40]!;
    // One of another worker's rows slipped into the group (its lease is not ours): it must stay as it is.
    const stray = theirs[0]!;
    await recordOutcomes(database.db, "worker-a", [
      ...group.map(sent),
      { id: retried.id, subscriberId: retried.subscriber_id, state: "queued", retryInMs: 60_000, errorKind: "network", errorDetail: "timeout" },
      sent(stray),
    ]);
    const rows = await queryRows<{ id: number; state: string; external_id: string | null; leased_by: string | null; retry_later: boolean }>(database.db, sql`
      select id, state, external_id, leased_by, next_attempt_at > now() + interval '50 seconds' as retry_later
      from deliveries where broadcast_id = ${broadcastId}`);
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    for (const r of group) expect(byId.get(Number(r.id))).toMatchObject({ state: "sent", external_id: `m${r.id}`, leased_by: "worker-a" });
    expect(byId.get(Number(retried.id))).toMatchObject({ state: "queued", leased_by: null, retry_later: true });
    expect(byId.get(Number(stray.id))).toMatchObject({ state: "sending", external_id: null, leased_by: "worker-b" });
    const counts = rows.reduce<Record<string, number>>((c, r) => ({ ...c, [r.state]: (c[r.state] ?? 0) + 1 }), {});
    expect(counts).toEqual({ sent: 40, queued: PEOPLE - 1_100 + 1, sending: 1_000 - 41 + 100 });
  });

  it("writes the same outcome once: a group written twice changes nothing the second time", async () => {
    const group = mine.slice(100, 110);
    await recordOutcomes(database.db, "worker-a", group.map(sent));
    await recordOutcomes(database.db, "worker-a", group.map((r) => ({ ...sent(r), state: "failed" as const, errorKind: "rejected" })));
    const states = await queryRows<{ state: string }>(database.db, sql`
      select distinct state from deliveries where id in (${sql.join(group.map((r) => sql`${r.id}`), sql`, `)})`);
    expect(states).toEqual([{ state: "sent" }]);
  });
});
