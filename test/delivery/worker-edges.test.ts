import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "../../src/db/client.js";
import { createMetrics } from "../../src/metrics.js";
import { createDeliveryWorker } from "../../src/delivery/worker.js";
import { enqueue } from "../../src/delivery/outbox.js";
import { PRIORITY_REPLY } from "../../src/db/schema/index.js";
import { ConfigFailure, Permanent, RecipientGone, Throttled, Transient } from "../../src/channels/errors.js";
import type { ChannelAdapter } from "../../src/channels/adapter.js";
import { createTestDatabase, databaseKinds, quietLogger } from "../support/database.js";
import { seedSubscribers, someUnits } from "../support/delivery.js";

/** An adapter whose every send runs `behaviour(n)` (n = this person's 1-based try), counting sends per person. */
function scriptedAdapter(behaviour: (n: number) => Promise<void>) {
  const tries = new Map<string, number>();
  const adapter: ChannelAdapter = {
    name: "telegram",
    supportsButtons: true,
    parseInbound: () => [],
    async send(to) {
      const n = (tries.get(to.externalId) ?? 0) + 1;
      tries.set(to.externalId, n);
      await behaviour(n);
      return { externalId: `m${n}` };
    },
  };
  return { adapter, tries };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await sleep(20);
  }
}

describe.each(databaseKinds)("delivery worker: leases, attempts, recipients gone on %s", (kind) => {
  let database: Database;
  let subs: { id: string; external_id: string }[];
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await seedSubscribers(database.db, { count: 9, units: await someUnits(database.db, 1), base: 8_100_000 });
    subs = await queryRows(database.db, sql`select id, external_id from subscribers order by external_id`);
  });
  afterAll(async () => {
    await database.close();
  });

  const row = async (subscriberId: string) =>
    (await queryRows<{ state: string; attempts: number; error_kind: string | null }>(database.db, sql`
      select state, attempts, error_kind from deliveries where subscriber_id = ${subscriberId}`))[0]!;

  it("a send slower than the lease is not sent a second time: the worker keeps its leases while it holds the row", async () => {
    const s = subs[0]!;
    await enqueue(database.db, [{ subscriberId: s.id, channel: "telegram", kind: "announcement", message: { text: "Dự thảo mới" } }]);
    const { adapter, tries } = scriptedAdapter(() => sleep(2500));
    const worker = createDeliveryWorker({ db: database.db, adapters: [adapter], logger: quietLogger(), metrics: createMetrics(), leaseMs: 300, idlePollMs: 50 });
    await worker.drain();
    expect(tries.get(s.external_id)).toBe(1);
    expect(await row(s.id)).toMatchObject({ state: "sent", attempts: 1 });
  });

  it("a throttled try does not count as an attempt, and every real try does, whatever the final outcome", async () => {
    const [gone, refused, delivered, flaky] = [subs[1]!, subs[2]!, subs[3]!, subs[4]!];
    await enqueue(
      database.db,
      [gone, refused, delivered, flaky].map((p) => ({ subscriberId: p.id, channel: "telegram", kind: "announcement", message: { text: "Dự thảo mới" } })),
    );
    const details = { method: "sendMessage" };
    // Every odd try of a person: 429 (a short pause). Even tries: gone, refused, sent, or a 5xx for `flaky`.
    const { adapter, tries } = scriptedAdapter(() => Promise.resolve());
    adapter.send = (to) => {
      const n = (tries.get(to.externalId) ?? 0) + 1;
      tries.set(to.externalId, n);
      if (n % 2 === 1) return Promise.reject(new Throttled(20, details));
      if (to.externalId === gone.external_id) return Promise.reject(new RecipientGone(details));
      if (to.externalId === refused.external_id) return Promise.reject(new Permanent(details));
      if (to.externalId === flaky.external_id) return Promise.reject(new Transient(details));
      return Promise.resolve({ externalId: `m${n}` });
    };
    const worker = createDeliveryWorker({
      db: database.db, adapters: [adapter], logger: quietLogger(), metrics: createMetrics(), idlePollMs: 50, retryBaseMs: 10, maxAttempts: 3,
    });
    // Retries are due a few ms later: drain until nothing is left (bounded: a row retried for ever fails the test).
    for (let i = 0; i < 50 && (await row(flaky.id)).state === "queued"; i++) {
      await sleep(30);
      await worker.drain();
    }
    expect(await row(gone.id)).toMatchObject({ state: "failed", error_kind: "recipient_gone", attempts: 1 });
    expect(await row(refused.id)).toMatchObject({ state: "failed", error_kind: "permanent", attempts: 1 });
    expect(await row(delivered.id)).toMatchObject({ state: "sent", attempts: 1 });
    // Three real tries (each after a 429), then it gives up: it is not retried for ever.
    expect(await row(flaky.id)).toMatchObject({ state: "failed", error_kind: "transient", attempts: 3 });
    expect(tries.get(flaky.external_id)).toBe(6);
  }, 20_000);

  it("a person found gone who comes back (/start after unblocking) gets messages again from the same worker", async () => {
    const p = subs[5]!;
    const { adapter, tries } = scriptedAdapter((n) => (n === 1 ? Promise.reject(new RecipientGone({ method: "sendMessage", code: 403 })) : Promise.resolve()));
    const worker = createDeliveryWorker({ db: database.db, adapters: [adapter], logger: quietLogger(), metrics: createMetrics(), idlePollMs: 50 });
    await worker.start();
    try {
      await enqueue(database.db, [{ subscriberId: p.id, channel: "telegram", kind: "announcement", message: { text: "Dự thảo mới" } }]);
      worker.kick();
      await waitUntil(async () => (await row(p.id)).state === "failed");
      const [before] = await queryRows<{ status: string }>(database.db, sql`select status from subscribers where id = ${p.id}`);
      expect(before!.status).toBe("gone");
      // The person unblocks the bot and sends /start: the conversation makes them active and replies.
      await database.db.execute(sql`update subscribers set status = 'active' where id = ${p.id}`);
      await enqueue(database.db, [{ subscriberId: p.id, channel: "telegram", kind: "reply", priority: PRIORITY_REPLY, message: { text: "Chào mừng trở lại" } }]);
      worker.kick();
      await waitUntil(async () => (await queryRows(database.db, sql`select 1 from deliveries where subscriber_id = ${p.id} and kind = 'reply' and state in ('sent', 'failed')`)).length > 0);
    } finally {
      await worker.stop();
    }
    const [reply] = await queryRows<{ state: string }>(database.db, sql`select state from deliveries where subscriber_id = ${p.id} and kind = 'reply'`);
    expect(reply!.state).toBe("sent");
    expect(tries.get(p.external_id)).toBe(2);
    const [after] = await queryRows<{ status: string }>(database.db, sql`select status from subscribers where id = ${p.id}`);
    expect(after!.status).toBe("active");
  });

  it("a configuration error (revoked token) pauses the channel and loses nothing: once fixed, every message goes", async () => {
    const people = subs.slice(6, 9);
    await enqueue(database.db, people.map((p) => ({ subscriberId: p.id, channel: "telegram", kind: "announcement", message: { text: "Dự thảo" } })));
    let broken = true;
    const { adapter } = scriptedAdapter(() => (broken ? Promise.reject(new ConfigFailure({ method: "sendMessage", code: 401, description: "Unauthorized" })) : Promise.resolve()));
    const worker = createDeliveryWorker({ db: database.db, adapters: [adapter], logger: quietLogger(), metrics: createMetrics(), idlePollMs: 50, configPauseMs: 300 });
    await worker.start();
    try {
      await waitUntil(async () => (await row(people[0]!.id)).error_kind === "config");
      for (const p of people) expect((await row(p.id)).state).not.toBe("failed");
      broken = false;
      await waitUntil(async () => (await Promise.all(people.map((p) => row(p.id)))).every((r) => r.state === "sent"));
    } finally {
      await worker.stop();
    }
    for (const p of people) expect(await row(p.id)).toMatchObject({ state: "sent", attempts: 1 });
  });
});
