/**
 * Peak RSS of a 100,000-recipient broadcast, in two processes, as a service runs (prints one JSON line each):
 *
 *   RSS_PHASE=prepare  the first start over an empty database: create it (PGlite: initdb in this process),
 *                      migrate, load the units, seed N subscribers and a draft. Its peak RSS is reported on
 *                      its own line ("first open"), not hidden.
 *   RSS_PHASE=serve    a service process over that existing database: open it, publish the draft (set-based
 *                      enqueue) and send everything through the real Telegram adapter to the fake API,
 *                      sampling RSS every 50 ms. This is "memory during a 100,000-recipient broadcast".
 *
 * BENCH_DB_REF is the JSON of a BenchDatabaseRef ({url} or {dataDir}).
 */
import { sql } from "drizzle-orm";
import { queryRows } from "../src/db/client.js";
import { createLogger } from "../src/logger.js";
import { createMetrics } from "../src/metrics.js";
import { createBroadcaster } from "../src/delivery/broadcast.js";
import { createDeliveryWorker } from "../src/delivery/worker.js";
import { createTelegramChannel } from "../bots/telegram/index.js";
import { insertDraft, seedSubscribers, someUnits } from "../test/support/delivery.js";
import { migrateWithUnits, openDatabaseRef, type BenchDatabaseRef } from "./db.js";

const N = Number(process.env.RSS_RECIPIENTS ?? 100_000);
const ref = JSON.parse(process.env.BENCH_DB_REF ?? "{}") as BenchDatabaseRef;
const logger = createLogger({ level: "error", json: true });
const mb = (bytes: number) => bytes / 2 ** 20;
const startRss = process.memoryUsage().rss;
let peak = startRss;
/** The parts of the process at its peak (JS heap, buffers and WebAssembly memory) — where the memory is. */
let atPeak = process.memoryUsage();
const sample = () => {
  const m = process.memoryUsage();
  if (m.rss >= peak) {
    peak = m.rss;
    atPeak = m;
  }
};
const sampler = setInterval(sample, 50);
const parts = () => ({ heapUsedMb: mb(atPeak.heapUsed), heapTotalMb: mb(atPeak.heapTotal), externalMb: mb(atPeak.external), arrayBuffersMb: mb(atPeak.arrayBuffers) });

if (process.env.RSS_PHASE === "prepare") {
  const started = performance.now();
  const database = await openDatabaseRef(ref, logger);
  const openRss = process.memoryUsage().rss;
  sample();
  await migrateWithUnits(database);
  const units = await someUnits(database.db, 10);
  await seedSubscribers(database.db, { count: N, units, base: 50_000_000 });
  const draftId = await insertDraft(database.db, { units });
  await database.close();
  clearInterval(sampler);
  sample();
  console.log(JSON.stringify({ draftId, seconds: (performance.now() - started) / 1000, startRssMb: mb(startRss), databaseOpenRssMb: mb(openRss), peakRssMb: mb(peak), atPeak: parts() }));
  process.exit(0);
}

const database = await openDatabaseRef(ref, logger);
const openRss = process.memoryUsage().rss;
const draftId = process.env.RSS_DRAFT_ID!;
const started = performance.now();
const broadcaster = createBroadcaster({ timeZone: "Asia/Ho_Chi_Minh" });
const published = await database.db.transaction((tx) => broadcaster.draftPublished(tx, draftId, "bench"));
const enqueueMs = performance.now() - started;
const enqueuedRss = process.memoryUsage().rss;
const telegram = createTelegramChannel({ token: "123456:bench_token_bench_token", apiRoot: process.env.FAKE_URL!, mode: "polling", logger });
const worker = createDeliveryWorker({ db: database.db, adapters: [telegram], logger, metrics: createMetrics(), rates: { telegram: 0 }, idlePollMs: 50 });
await worker.start();
for (;;) {
  await new Promise((r) => setTimeout(r, 250));
  const [r] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from deliveries where broadcast_id = ${published!.broadcastId} and state in ('queued', 'sending')`);
  if (r!.n === 0) break;
}
await worker.stop();
clearInterval(sampler);
sample();
const [sent] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from deliveries where broadcast_id = ${published!.broadcastId} and state = 'sent'`);
await database.close();
console.log(JSON.stringify({ recipients: published!.recipients, sent: sent!.n, enqueueMs: Math.round(enqueueMs), seconds: (performance.now() - started) / 1000, startRssMb: mb(startRss), databaseOpenRssMb: mb(openRss), peakRssMb: mb(peak), enqueuedRssMb: mb(enqueuedRss), atPeak: parts() }));
process.exit(0);
