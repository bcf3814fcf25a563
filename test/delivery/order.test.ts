import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "../../src/db/client.js";
import { createMetrics } from "../../src/metrics.js";
import { createDeliveryWorker } from "../../src/delivery/worker.js";
import { enqueue } from "../../src/delivery/outbox.js";
import { PRIORITY_REPLY } from "../../src/db/schema/index.js";
import type { ChannelAdapter } from "../../src/channels/adapter.js";
import { createTestDatabase, databaseKinds, quietLogger } from "../support/database.js";
import { seedSubscribers, someUnits } from "../support/delivery.js";

/** An adapter whose sends take a random 0–15 ms, recording what each person receives, in arrival order. */
function slowRecordingAdapter() {
  const received = new Map<string, string[]>();
  let id = 0;
  const adapter: ChannelAdapter = {
    name: "telegram",
    supportsButtons: true,
    parseInbound: () => [],
    async send(to, message) {
      await new Promise((r) => setTimeout(r, Math.random() * 15));
      received.set(to.externalId, [...(received.get(to.externalId) ?? []), message.text]);
      return { externalId: String(++id) };
    },
  };
  return { adapter, received };
}

describe.each(databaseKinds)("delivery order on %s", (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await seedSubscribers(database.db, { count: 20, units: await someUnits(database.db, 2), base: 7_000_000 });
  });
  afterAll(async () => {
    await database.close();
  });

  it("a person receives their replies in the order they were queued, even with many sends in flight", async () => {
    const subs = await queryRows<{ id: string; external_id: string }>(database.db, sql`select id, external_id from subscribers order by external_id`);
    // Each person gets 8 replies, queued one transaction at a time as conversation turns are.
    for (let n = 0; n < 8; n++) {
      for (const s of subs) {
        await enqueue(database.db, [{ subscriberId: s.id, channel: "telegram", kind: "reply", priority: PRIORITY_REPLY, message: { text: `reply ${n}` } }]);
      }
    }
    // And a turn that produces two replies at once, in one transaction.
    await enqueue(database.db, [
      { subscriberId: subs[0]!.id, channel: "telegram", kind: "reply", priority: PRIORITY_REPLY, message: { text: "reply 8" } },
      { subscriberId: subs[0]!.id, channel: "telegram", kind: "reply", priority: PRIORITY_REPLY, message: { text: "reply 9" } },
    ]);
    const { adapter, received } = slowRecordingAdapter();
    const worker = createDeliveryWorker({ db: database.db, adapters: [adapter], logger: quietLogger(), metrics: createMetrics(), concurrency: 32, rates: { telegram: 0 } });
    await worker.drain();
    for (const s of subs) {
      const expected = Array.from({ length: s === subs[0] ? 10 : 8 }, (_, n) => `reply ${n}`);
      expect(received.get(s.external_id), s.external_id).toEqual(expected);
    }
  });
});
