/**
 * Peak RSS of a 100,000-recipient broadcast, in its own process: publish (set-based enqueue) and send
 * everything through the real Telegram adapter to the fake API, sampling RSS every 50 ms.
 * Prints one JSON line.
 */
import { sql } from "drizzle-orm";
import { queryRows } from "../src/db/client.js";
import { createLogger } from "../src/logger.js";
import { createMetrics } from "../src/metrics.js";
import { createBroadcaster } from "../src/delivery/broadcast.js";
import { createDeliveryWorker } from "../src/delivery/worker.js";
import { createTelegramChannel } from "../bots/telegram/index.js";
import { insertDraft, seedSubscribers, someUnits } from "../test/support/delivery.js";
import { freshDatabase } from "./db.js";

const N = Number(process.env.RSS_RECIPIENTS ?? 100_000);
const logger = createLogger({ level: "error", json: true });
const startRss = process.memoryUsage().rss;
const database = await freshDatabase(logger);
const openRss = process.memoryUsage().rss;
const units = await someUnits(database.db, 10);
await seedSubscribers(database.db, { count: N, units, base: 50_000_000 });
const draftId = await insertDraft(database.db, { units });
global.gc?.();
const baseline = process.memoryUsage().rss;
let peak = baseline;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
const started = performance.now();
const broadcaster = createBroadcaster({ timeZone: "Asia/Ho_Chi_Minh" });
const ref = await database.db.transaction((tx) => broadcaster.draftPublished(tx, draftId, "bench"));
const enqueueMs = performance.now() - started;
const telegram = createTelegramChannel({ token: "123456:bench_token_bench_token", apiRoot: process.env.FAKE_URL!, mode: "polling", logger });
const worker = createDeliveryWorker({ db: database.db, adapters: [telegram], logger, metrics: createMetrics(), rates: { telegram: 0 }, idlePollMs: 50 });
await worker.start();
for (;;) {
  await new Promise((r) => setTimeout(r, 250));
  const [r] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from deliveries where broadcast_id = ${ref!.broadcastId} and state in ('queued', 'sending')`);
  if (r!.n === 0) break;
}
await worker.stop();
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
const [sent] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from deliveries where broadcast_id = ${ref!.broadcastId} and state = 'sent'`);
await database.close();
console.log(JSON.stringify({ recipients: ref!.recipients, sent: sent!.n, enqueueMs: Math.round(enqueueMs), seconds: (performance.now() - started) / 1000, startRssMb: startRss / 2 ** 20, databaseOpenRssMb: openRss / 2 ** 20, baselineRssMb: baseline / 2 ** 20, peakRssMb: peak / 2 ** 20 }));
process.exit(0);
