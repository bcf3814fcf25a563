import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { createBroadcaster } from "../../src/delivery/broadcast.js";
import { createDeliveryWorker } from "../../src/delivery/worker.js";
import { createMetrics, type Metrics } from "../../src/metrics.js";
import { createTestDatabase, databaseKinds, quietLogger } from "../support/database.js";
import { insertDraft, seedSubscribers, someUnits, waitForBroadcast } from "../support/delivery.js";
import { startFakeTelegramApi, type FakeTelegramApi } from "../fakes/telegram-api.js";
import { createHttpTelegramAdapter } from "../fakes/http-telegram-adapter.js";

describe.each(databaseKinds)("the queue-depth gauge on %s", (kind) => {
  let database: Database;
  let fake: FakeTelegramApi;
  let adapter: ReturnType<typeof createHttpTelegramAdapter>;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    fake = await startFakeTelegramApi();
    adapter = createHttpTelegramAdapter({ apiRoot: fake.apiRoot, token: "123:test" });
  });
  afterAll(async () => {
    adapter.close();
    await fake.close();
    await database.close();
  });

  const depth = async (m: Metrics) => (await m.queueDepth.get()).values.find((v) => v.labels.channel === "telegram")?.value;

  it("shows the queued deliveries of a channel while a broadcast drains, then zero", async () => {
    const units = await someUnits(database.db, 1);
    await seedSubscribers(database.db, { count: 600, units, base: 8_000_000 });
    const draftId = await insertDraft(database.db, { units });
    const ref = await database.db.transaction((tx) => createBroadcaster({ timeZone: "Asia/Ho_Chi_Minh" }).draftPublished(tx, draftId, "test"));
    const metrics = createMetrics();
    expect(await depth(metrics)).toBeUndefined();
    // 200 messages per second: about 3 s for the 600; the worker holds at most two claims (2 × 100) ahead.
    const worker = createDeliveryWorker({ db: database.db, adapters: [adapter], logger: quietLogger(), metrics, rates: { telegram: 200 }, idlePollMs: 50, queueDepthEveryMs: 100 });
    await worker.start();
    try {
      await new Promise((r) => setTimeout(r, 600));
      const during = await depth(metrics);
      expect(during).toBeGreaterThan(0);
      expect(during).toBeLessThan(600);
      await waitForBroadcast(database.db, ref!.broadcastId, 20_000);
      await new Promise((r) => setTimeout(r, 300));
      expect(await depth(metrics)).toBe(0);
    } finally {
      await worker.stop();
    }
    expect(fake.stats()).toMatchObject({ sent: 600, duplicates: 0 });
  });
});
