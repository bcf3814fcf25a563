import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, type Database } from "../../src/db/client.js";
import { PRIORITY_BULK, PRIORITY_REPLY } from "../../src/db/schema/index.js";
import { createBroadcast, enqueue, enqueueAudience, enqueueBroadcast, enqueueQuery, enqueueSelected } from "../../src/delivery/outbox.js";
import { createTestDatabase, databaseKinds } from "../support/database.js";
import { seedSubscribers, someUnits } from "../support/delivery.js";

interface Row {
  subscriber_id: string;
  channel: string;
  kind: string;
  priority: number;
  message: { text: string };
  broadcast_id: string | null;
  state: string;
  attempts: number;
}

describe.each(databaseKinds)("outbox rows: one construction for every way a message is queued, on %s", (kind) => {
  let database: Database;
  let people: { id: string; channel: string }[];

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await seedSubscribers(database.db, { count: 3, units: await someUnits(database.db, 1), channel: "sim" });
    people = await queryRows<{ id: string; channel: string }>(database.db, sql`select id, channel from subscribers order by external_id`);
  });
  afterAll(() => database?.close());

  const rowsOf = (where: ReturnType<typeof sql>) =>
    queryRows<Row>(database.db, sql`select subscriber_id, channel, kind, priority, message, broadcast_id, state, attempts from deliveries where ${where} order by id`);

  async function newBroadcast(): Promise<string> {
    const [b] = await queryRows<{ id: string }>(database.db, sql`insert into broadcasts (kind, created_by) values ('announcement', 'test') returning id`);
    return b!.id;
  }

  it("enqueue: a queued row, bulk unless told, counted; a reply ahead of bulk", async () => {
    const [a, b] = people;
    const n = await enqueue(database.db, [
      { subscriberId: a!.id, channel: "sim", kind: "reminder", message: { text: "Nhắc góp ý" } },
      { subscriberId: b!.id, channel: "sim", kind: "reply", message: { text: "Cảm ơn" }, priority: PRIORITY_REPLY },
    ]);
    expect(n).toBe(2);
    expect(await rowsOf(sql`kind in ('reminder', 'reply')`)).toEqual([
      { subscriber_id: a!.id, channel: "sim", kind: "reminder", priority: PRIORITY_BULK, message: { text: "Nhắc góp ý" }, broadcast_id: null, state: "queued", attempts: 0 },
      { subscriber_id: b!.id, channel: "sim", kind: "reply", priority: PRIORITY_REPLY, message: { text: "Cảm ơn" }, broadcast_id: null, state: "queued", attempts: 0 },
    ]);
  });

  it("a (broadcast, person) pair is queued once, whichever way it is queued", async () => {
    const broadcastId = await newBroadcast();
    const item = { subscriberId: people[0]!.id, channel: "sim", kind: "announcement", message: { text: "Dự thảo mới" }, broadcastId };
    expect(await enqueue(database.db, [item, item])).toBe(1);
    await database.db.execute(enqueueQuery([item]));
    const [r] = await queryRows<{ n: number }>(database.db, sql`
      with ins as (${enqueueSelected({ broadcastId, kind: "announcement", message: sql`${JSON.stringify({ text: "Dự thảo mới" })}::jsonb`, from: sql`from subscribers s` })} returning 1)
      select count(*)::int as n from ins`);
    expect(r!.n).toBe(2);
    const rows = await rowsOf(sql`broadcast_id = ${broadcastId}`);
    expect(rows.map((x) => x.subscriber_id).sort()).toEqual(people.map((p) => p.id).sort());
  });

  it("the three forms build the same row", async () => {
    const forms = ["enqueue", "enqueueQuery", "enqueueSelected"] as const;
    const seen: Omit<Row, "broadcast_id">[] = [];
    for (const form of forms) {
      const broadcastId = await newBroadcast();
      const item = { subscriberId: people[1]!.id, channel: "sim", kind: "correction", message: { text: "Đính chính" }, broadcastId };
      if (form === "enqueue") await enqueue(database.db, [item]);
      if (form === "enqueueQuery") await database.db.execute(enqueueQuery([item]));
      if (form === "enqueueSelected") {
        await database.db.execute(enqueueSelected({ broadcastId, kind: "correction", message: sql`${JSON.stringify(item.message)}::jsonb`, from: sql`from subscribers s where s.id = ${item.subscriberId}` }));
      }
      const [row] = await rowsOf(sql`broadcast_id = ${broadcastId}`);
      expect(row?.broadcast_id).toBe(broadcastId);
      const { broadcast_id: _b, ...rest } = row!;
      seen.push(rest);
    }
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[2]).toEqual(seen[0]);
    expect(seen[0]).toMatchObject({ kind: "correction", priority: PRIORITY_BULK, state: "queued", message: { text: "Đính chính" } });
  });

  it("a broadcast: its row (at the time given, else now), one delivery per person of its audience, and that count as its total", async () => {
    const at = new Date("2026-03-02T01:00:00Z");
    const timed = await createBroadcast(database.db, null, "report_reminder", "scheduler:test", at);
    const [a, b] = people;
    const message = sql`${JSON.stringify({ text: "Nhắc báo cáo" })}::jsonb`;
    expect(await enqueueAudience(database.db, timed, "report_reminder", message, sql`s.id in (${a!.id}, ${b!.id})`)).toBe(2);
    const queued = (await rowsOf(sql`broadcast_id = ${timed}`)).map((r) => [r.subscriber_id, r.kind, r.message.text]);
    expect(queued.sort()).toEqual([
      [a!.id, "report_reminder", "Nhắc báo cáo"],
      [b!.id, "report_reminder", "Nhắc báo cáo"],
    ].sort());

    const before = Date.now();
    const untimed = await createBroadcast(database.db, null, "digest", "scheduler:test");
    const n = await enqueueBroadcast(database.db, {
      broadcastId: untimed, kind: "digest", message,
      with: sql`with chosen as (select id from subscribers where id = ${people[2]!.id})`,
      from: sql`from subscribers s join chosen c on c.id = s.id`,
    });
    expect(n).toBe(1);
    const rows = await queryRows<{ id: string; kind: string; created_by: string; created_at: string | Date; total: number }>(
      database.db, sql`select id, kind, created_by, created_at, total from broadcasts where id in (${timed}, ${untimed})`);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(timed)).toMatchObject({ kind: "report_reminder", created_by: "scheduler:test", total: 2 });
    expect(new Date(byId.get(timed)!.created_at).toISOString()).toBe(at.toISOString());
    expect(byId.get(untimed)).toMatchObject({ kind: "digest", total: 1 });
    expect(Math.abs(new Date(byId.get(untimed)!.created_at).getTime() - before)).toBeLessThan(60_000);
  });
});
