/**
 * The delivery pipeline's bench pieces: the fake Bot API in a child process, a broadcast queued straight
 * into the outbox, the worker run to completion, and the bare HTTP loop (the physical ceiling).
 */
import http from "node:http";
import { Pool } from "undici";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "../src/db/client.js";
import type { Logger } from "../src/logger.js";
import { createMetrics, type Metrics } from "../src/metrics.js";
import { createDeliveryWorker } from "../src/delivery/worker.js";
import { enqueueSelected } from "../src/delivery/outbox.js";
import type { ChannelAdapter } from "../src/channels/adapter.js";
import { startFakeTelegramProcess, type FakeTelegramProcess } from "../test/fakes/telegram-api-process.js";
import type { FakeTelegramOptions } from "../test/fakes/telegram-api.js";

export const BENCH_TOKEN = "123456:bench_token_bench_token";

/** The fake Bot API in a child process (so the sender does not share its CPU thread), keeping send times. */
export function startFake(): Promise<FakeTelegramProcess> {
  return startFakeTelegramProcess({ recordTimes: true });
}

/** Forget what the fake saw and set it up for the next measurement (default: no limit, no latency). */
export async function resetFake(fake: FakeTelegramProcess, config: FakeTelegramOptions = { latencyMs: 0, rateLimitPerSecond: 0 }): Promise<void> {
  await fake.reset();
  await fake.configure(config);
}

/** Queue n announcement deliveries to the first n subscribers of a channel, as one broadcast. */
export async function queueBroadcast(database: Database, n: number, channel = "telegram"): Promise<string> {
  const [b] = await queryRows<{ id: string }>(database.db, sql`insert into broadcasts (kind, created_by) values ('announcement', 'bench') returning id`);
  const message = JSON.stringify({ text: "📢 Lấy ý kiến dự thảo: Nghị quyết về phí thu gom rác thải\n\nQuy định mức phí thu gom rác thải sinh hoạt.", buttons: [[{ label: "Góp ý", action: "unsub" }]] });
  await database.db.execute(enqueueSelected({
    broadcastId: b!.id, kind: "announcement", message: sql`${message}::jsonb`,
    from: sql`from (select id, channel from subscribers where channel = ${channel} order by external_id limit ${n}) s`,
  }));
  return b!.id;
}

/**
 * Wait until every delivery of the broadcast has an outcome written. The worker's own outcome counters are
 * watched first (in memory, free): counting the broadcast's pending rows in the database every 100 ms took
 * more of PostgreSQL's time than claiming them did (34 ms a count for 50,000 rows on this machine), CPU the
 * pipeline being measured shares. The database is asked once the counters say all are done.
 */
export async function waitDone(database: Database, broadcastId: string, metrics: Metrics, n: number) {
  const final = new Set(["sent", "failed", "outside_window"]);
  for (let poll = 1; ; poll++) {
    await new Promise((r) => setTimeout(r, 100));
    const { values } = await metrics.deliveries.get();
    const done = values.filter((v) => final.has(String(v.labels.outcome))).reduce((a, v) => a + v.value, 0);
    if (done < n && poll % 50) continue; // and every 5 s whatever the counters say
    const [r] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from deliveries where broadcast_id = ${broadcastId} and state in ('queued', 'sending')`);
    if (r!.n === 0) return;
  }
}

/** Sends per second from the fake's own clock, first to last accepted send. */
export function rateOf(times: number[]): number {
  return rateOver(times.length, times[0] ?? null, times[times.length - 1] ?? null);
}

/** Sends per second of `accepted` sends, the first accepted at `first` and the last at `last` (ms). */
export function rateOver(accepted: number, first: number | null, last: number | null): number {
  if (accepted < 2 || first === null || last === null) return 0;
  return ((accepted - 1) / (last - first)) * 1000;
}

export interface PipelineResult {
  sent: number;
  rate: number;
  wallSeconds: number;
  throttled: number;
  notSent: number;
  /** Chats that got the message more than once. */
  doubled: number;
  maxInWindow: number;
}

/** Broadcast n messages through the worker and the product's adapter against the fake, judged strictly. */
export async function pipeline(database: Database, fake: FakeTelegramProcess, adapter: ChannelAdapter, logger: Logger, o: { n: number; limit: number; latencyMs: number }): Promise<PipelineResult> {
  await resetFake(fake, { latencyMs: o.latencyMs, rateLimitPerSecond: o.limit, limitMode: "strict", retryAfterSeconds: 1 });
  const id = await queueBroadcast(database, o.n);
  const metrics = createMetrics();
  const worker = createDeliveryWorker({ db: database.db, adapters: [adapter], logger, metrics, rates: { telegram: o.limit }, idlePollMs: 50 });
  const t0 = performance.now();
  await worker.start();
  await waitDone(database, id, metrics, o.n);
  const wall = (performance.now() - t0) / 1000;
  await worker.stop();
  const stats = await fake.stats();
  const [failed] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from deliveries where broadcast_id = ${id} and state <> 'sent'`);
  return { sent: stats.sent, rate: rateOf(stats.times ?? []), wallSeconds: wall, throttled: stats.throttled, notSent: failed!.n, doubled: stats.duplicates, maxInWindow: stats.maxInWindow };
}

/**
 * The physical ceiling: sendMessage in a tight loop with 64 requests in flight, nothing else done. By default
 * on undici's pool, the HTTP client the Telegram adapter's sendMessage uses, so that the ratio compares the
 * pipeline with the same client doing nothing else; `client: "node:http"` runs it on node:http's keep-alive
 * agent instead (the baseline before the adapter moved to undici; warmed up, about as fast as undici's against
 * the bench's fake, whose own CPU sets the pace).
 */
export async function bareLoop(fake: FakeTelegramProcess, n: number, opts: { concurrency?: number; client?: "undici" | "node:http" } = {}) {
  const concurrency = opts.concurrency ?? 64;
  await resetFake(fake);
  const onNodeHttp = opts.client === "node:http";
  const agent = onNodeHttp ? new http.Agent({ keepAlive: true, maxSockets: concurrency }) : undefined;
  const pool = onNodeHttp ? undefined : new Pool(fake.url, { connections: concurrency });
  const u = new URL(fake.url);
  const path = `/bot${BENCH_TOKEN}/sendMessage`;
  let next = 0;
  const bodyOf = (i: number) => JSON.stringify({ chat_id: 90_000_000 + i, text: "📢 Lấy ý kiến dự thảo: Nghị quyết về phí thu gom rác thải" });
  const viaNodeHttp = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const body = bodyOf(i);
      const req = http.request({ agent, host: u.hostname, port: u.port, method: "POST", path, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on("end", () => resolve());
      });
      req.on("error", reject);
      req.end(body);
    });
  // undici's lightest call (dispatch, as the adapter's sendMessage): the response read and dropped.
  const viaUndici = (i: number) =>
    new Promise<void>((resolve, reject) => {
      pool!.dispatch({ path, method: "POST", body: bodyOf(i), headers: { "content-type": "application/json" } }, {
        onConnect: () => undefined,
        onHeaders: () => true,
        onData: () => true,
        onComplete: () => resolve(),
        onError: reject,
      });
    });
  const post = onNodeHttp ? viaNodeHttp : viaUndici;
  // Warm up first (connections opened, code compiled), not timed: the pipeline's client is warm when measured.
  const warm = Math.min(2_000, Math.ceil(n / 5));
  await Promise.all(Array.from({ length: concurrency }, async (_, k) => {
    for (let i = k; i < warm; i += concurrency) await post(n + i);
  }));
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) await post(next++);
  }));
  const seconds = (performance.now() - t0) / 1000;
  agent?.destroy();
  await pool?.close();
  return { sent: n, rate: n / seconds };
}
