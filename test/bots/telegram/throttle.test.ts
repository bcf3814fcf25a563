import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { createTelegramChannel } from "../../../bots/telegram/index.js";
import { queryRows, type Database } from "../../../src/db/client.js";
import { createBroadcaster } from "../../../src/delivery/broadcast.js";
import { createDeliveryWorker } from "../../../src/delivery/worker.js";
import { createMetrics } from "../../../src/metrics.js";
import { createTestDatabase, databaseKinds, quietLogger } from "../../support/database.js";
import { insertDraft, seedSubscribers, someUnits, stateCounts } from "../../support/delivery.js";
import { startFakeTelegramApi, type FakeTelegramApi } from "../../fakes/telegram-api.js";

const TOKEN = "123456789:AAFakeTokenForThrottleTestsOnly_abcdef";

describe.each(databaseKinds)("a 429 through the real Telegram adapter on %s", (kind) => {
  let database: Database;
  let fake: FakeTelegramApi;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    fake = await startFakeTelegramApi({ recordTimes: true });
  });
  afterAll(async () => {
    await fake.close();
    await database.close();
  });

  it("pauses the whole channel for retry_after, then sends everyone exactly once; nothing lost, no attempt counted", async () => {
    const base = 7_000_000;
    const units = await someUnits(database.db, 1);
    await seedSubscribers(database.db, { count: 200, units, base });
    const draftId = await insertDraft(database.db, { units });
    // The platform accepts 50 messages per second (a one-second bucket); beyond that it answers
    // 429 retry_after 1. The worker has no limit of its own, so it runs into the 429s.
    fake.configure({ rateLimitPerSecond: 50, retryAfterSeconds: 1 });
    const ref = await database.db.transaction((tx) => createBroadcaster({ timeZone: "Asia/Ho_Chi_Minh" }).draftPublished(tx, draftId, "test"));
    expect(ref!.recipients).toBe(200);

    const telegram = createTelegramChannel({ token: TOKEN, apiRoot: fake.apiRoot, mode: "polling", logger: quietLogger(), requestTimeoutSeconds: 5 });
    const metrics = createMetrics();
    const worker = createDeliveryWorker({ db: database.db, adapters: [telegram], logger: quietLogger(), metrics, rates: { telegram: 0 }, concurrency: 16, idlePollMs: 50 });
    await worker.drain();

    const stats = fake.stats();
    expect(stats.throttled).toBeGreaterThan(0);
    // Every 429 reached the worker (none was absorbed and retried inside the adapter) …
    const throttledSeen = (await metrics.deliveries.get()).values.find((v) => v.labels.outcome === "throttled")?.value;
    expect(throttledSeen).toBe(stats.throttled);
    // … and it paused the channel: after the first burst, nothing was sent for about retry_after, and the
    // 429s stayed about one round of in-flight sends per pause instead of a retry storm.
    const times = fake.times();
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.max(...gaps)).toBeGreaterThan(900);
    expect(stats.throttled).toBeLessThan(16 * 6);
    // Nothing lost, nothing doubled, no failure, and throttled sends were not counted as attempts.
    expect(stats).toMatchObject({ sent: 200, duplicates: 0, failed: 0 });
    for (let i = 0; i < 200; i++) expect(fake.sentCount(base + i), `chat ${base + i}`).toBe(1);
    expect(await stateCounts(database.db, ref!.broadcastId)).toEqual({ sent: 200 });
    const [att] = await queryRows<{ max: number }>(database.db, sql`select max(attempts)::int as max from deliveries where broadcast_id = ${ref!.broadcastId}`);
    expect(att!.max).toBe(1);
  });
});
