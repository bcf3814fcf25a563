import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { openDatabase, queryRows, type Database } from "../../src/db/client.js";
import { DataDirLockedError } from "../../src/db/lock.js";
import { createBroadcaster } from "../../src/delivery/broadcast.js";
import { createDeliveryWorker } from "../../src/delivery/worker.js";
import { createMetrics } from "../../src/metrics.js";
import { createTestDatabase, databaseKinds, quietLogger } from "../support/database.js";
import { insertDraft, seedSubscribers, someUnits, waitForBroadcast } from "../support/delivery.js";
import { spawnWorker } from "../support/child-worker.js";
import { startFakeTelegramApi, type FakeTelegramApi } from "../fakes/telegram-api.js";
import { createHttpTelegramAdapter } from "../fakes/http-telegram-adapter.js";

const N = 4000;
const BASE = 3_000_000;

/**
 * Several workers sharing one queue never send a message twice. On PostgreSQL: two worker PROCESSES (as two
 * service instances would). PGlite is one process by design (the data-dir lock refuses a second one, checked
 * here too), so on PGlite two workers share the queue inside one process.
 */
describe.each(databaseKinds)("two workers sharing one queue on %s", (kind) => {
  let database: Database & { url?: string };
  let fake: FakeTelegramApi;
  let broadcastId: string;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    fake = await startFakeTelegramApi({ latencyMs: 3 });
    const units = await someUnits(database.db, 3);
    await seedSubscribers(database.db, { count: N, units, base: BASE });
    const draftId = await insertDraft(database.db, { units });
    broadcastId = (await database.db.transaction((tx) => createBroadcaster({ timeZone: "Asia/Ho_Chi_Minh" }).draftPublished(tx, draftId, "t")))!.broadcastId;
  });
  afterAll(async () => {
    await fake.close();
    await database.close();
  });

  const checkExactlyOnce = async () => {
    expect(await waitForBroadcast(database.db, broadcastId)).toEqual({ sent: N });
    for (let i = 0; i < N; i++) expect(fake.sentCount(BASE + i), `chat ${BASE + i}`).toBe(1);
    expect(fake.stats()).toMatchObject({ sent: N, duplicates: 0 });
    const [r] = await queryRows<{ owners: number }>(database.db, sql`select count(distinct leased_by)::int as owners from deliveries where broadcast_id = ${broadcastId}`);
    expect(r!.owners).toBe(2); // both workers took part
  };

  if (kind === "postgres") {
    it("two worker processes against one PostgreSQL deliver a broadcast with no duplicates", async () => {
      const env = { DATABASE_URL: database.url!, FAKE_URL: fake.url, CONCURRENCY: "8", BATCH: "50", LEASE_MS: "30000" };
      const a = spawnWorker(env);
      const b = spawnWorker(env);
      const [ra, rb] = await Promise.all([a.done, b.done]);
      expect(ra.sent + rb.sent).toBe(N);
      expect(Math.min(ra.sent, rb.sent)).toBeGreaterThan(0);
      await checkExactlyOnce();
    }, 120_000);
  } else {
    it("two workers in one process share the PGlite queue with no duplicates, and a second process is refused the data dir", async () => {
      const logger = quietLogger();
      const adapter = createHttpTelegramAdapter({ apiRoot: fake.url, token: "123:t" });
      const mk = () => createDeliveryWorker({ db: database.db, adapters: [adapter], logger, metrics: createMetrics(), concurrency: 8, batchSize: 50, idlePollMs: 50 });
      const [w1, w2] = [mk(), mk()];
      await Promise.all([w1.start(), w2.start()]);
      await waitForBroadcast(database.db, broadcastId);
      await Promise.all([w1.stop(), w2.stop()]);
      adapter.close();
      await checkExactlyOnce();

      const dir = await mkdtemp(path.join(os.tmpdir(), "gopy-lock-"));
      const holder = await openDatabase({ dataDir: dir, logger });
      await expect(openDatabase({ dataDir: dir, logger })).rejects.toBeInstanceOf(DataDirLockedError);
      await holder.close();
      await rm(dir, { recursive: true, force: true });
    }, 120_000);
  }
});
