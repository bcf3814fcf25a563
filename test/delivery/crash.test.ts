import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { sql } from "drizzle-orm";
import { PGlite } from "@electric-sql/pglite";
import { openDatabase, queryRows, type Database } from "../../src/db/client.js";
import { createBroadcaster } from "../../src/delivery/broadcast.js";
import { createTestDatabase, databaseKinds, quietLogger, type DatabaseKind } from "../support/database.js";
import { insertDraft, seedSubscribers, someUnits } from "../support/delivery.js";
import { spawnWorker } from "../support/child-worker.js";
import { startFakeTelegramApi } from "../fakes/telegram-api.js";

const N = 10_000;
const BASE = 2_000_000;
const CONCURRENCY = 16;
const FLUSH_SIZE = 50;

/**
 * A database with a 10,000-recipient broadcast queued. PostgreSQL: a cloned test database the child opens
 * by URL. PGlite: a data directory on disk that the child opens (one process at a time, as in production).
 */
async function prepare(kind: DatabaseKind): Promise<{ env: Record<string, string>; reopen: () => Promise<Database>; cleanup: () => Promise<void> }> {
  const logger = quietLogger();
  let database: Database & { url?: string };
  let dir = "";
  if (kind === "postgres") {
    database = await createTestDatabase("postgres");
  } else {
    dir = await mkdtemp(path.join(os.tmpdir(), "gopy-crash-"));
    const dump = await readFile(inject("pgliteTemplate"));
    const lite = await PGlite.create({ dataDir: path.join(dir, "pg"), loadDataDir: new Blob([dump]) });
    database = await openDatabase({ pglite: lite, logger });
  }
  const units = await someUnits(database.db, 4);
  await seedSubscribers(database.db, { count: N, units, base: BASE });
  const draftId = await insertDraft(database.db, { units });
  const ref = await database.db.transaction((tx) => createBroadcaster({ timeZone: "Asia/Ho_Chi_Minh" }).draftPublished(tx, draftId, "test"));
  expect(ref!.recipients).toBe(N);
  if (kind === "postgres") {
    return { env: { DATABASE_URL: database.url! }, reopen: () => Promise.resolve(database), cleanup: () => database.close() };
  }
  await database.close();
  return {
    env: { PGLITE_DIR: dir, LOCK_STALE_MS: "1500" },
    reopen: async () => openDatabase({ pglite: await PGlite.create({ dataDir: path.join(dir, "pg") }), logger }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

describe.each(databaseKinds)("delivery after a crash on %s", (kind) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it("a worker process killed with SIGKILL mid-broadcast is restarted: everyone gets the message, at most the in-flight ones twice", async () => {
    const fake = await startFakeTelegramApi({ latencyMs: 2 });
    cleanups.push(() => fake.close());
    const { env, reopen, cleanup } = await prepare(kind);
    cleanups.push(cleanup);
    const workerEnv = { ...env, FAKE_URL: fake.url, CONCURRENCY: String(CONCURRENCY), BATCH: "100", FLUSH_SIZE: String(FLUSH_SIZE), LEASE_MS: "1500" };

    const first = spawnWorker(workerEnv);
    await first.ready;
    while (fake.stats().sent < N * 0.3) {
      if (first.child.exitCode !== null) throw new Error(`worker ended early: ${first.stderr()}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    first.child.kill("SIGKILL");
    await first.done.catch(() => undefined);
    const atKill = fake.stats().sent;
    expect(atKill).toBeLessThan(N * 0.9); // killed in the middle

    const second = spawnWorker(workerEnv);
    const result = await second.done;
    expect(result.sent).toBeGreaterThan(0);

    let twice = 0;
    for (let i = 0; i < N; i++) {
      const n = fake.sentCount(BASE + i);
      expect(n, `chat ${BASE + i}`).toBeGreaterThanOrEqual(1);
      if (n > 1) twice++;
    }
    // Only what was sent but not yet recorded at the kill can go twice: ≤ sends in flight + unflushed outcomes.
    expect(twice).toBeLessThanOrEqual(CONCURRENCY + 2 * FLUSH_SIZE);
    expect(fake.stats().sent).toBe(N + twice);
    console.info(`[${kind}] killed after ${atKill} sends; ${twice} recipients got the message twice (bound ${CONCURRENCY + 2 * FLUSH_SIZE})`);

    const db = await reopen();
    const rows = await queryRows<{ state: string; n: number }>(db.db, sql`select state, count(*)::int as n from deliveries group by state`);
    expect(rows).toEqual([{ state: "sent", n: N }]);
    if (kind === "pglite") await db.close();
  }, 120_000);
});
