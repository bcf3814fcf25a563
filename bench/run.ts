/**
 * npm run bench — the delivery engine against a fake Telegram Bot API (design.md §8), in one run:
 *   1. rate held under a 30 msg/s limit at 80 ms API latency (target ≥ 98 %, zero 429 provoked)
 *   2. rate held under a 1000 msg/s limit at 80 ms (target ≥ 95 %)
 *   3. pipeline ceiling: no limit, no latency
 *   4. a bare HTTP client loop against the same fake (the physical ceiling; target for 3: ≥ 50 % of it)
 *   5. a naive sequential send-then-update loop (the baseline users write)
 *   6. peak RSS during a 100,000-recipient broadcast, in a service process over an existing database
 *      (target ≤ 300 MB); the first open of an empty database (PGlite: initdb) is measured and reported
 *      separately, in its own process
 *   7. inbound webhooks: the service (src/main.ts) in a child process takes button presses on
 *      POST /webhooks/telegram from 64 connections (target on PostgreSQL ≥ 1,500/s, p99 ≤ 100 ms); bench/inbound.ts
 * PostgreSQL when BENCH_DATABASE_URL or TEST_DATABASE_URL is set, else PGlite. Prints a table and writes
 * bench/results/latest.json. The fake runs in its own process; the sender uses the product's Telegram adapter.
 */
import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import http from "node:http";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "../src/db/client.js";
import { createLogger } from "../src/logger.js";
import { createMetrics } from "../src/metrics.js";
import { createDeliveryWorker } from "../src/delivery/worker.js";
import { createTelegramChannel } from "../bots/telegram/index.js";
import type { ChannelAdapter } from "../src/channels/adapter.js";
import { seedSubscribers, someUnits } from "../test/support/delivery.js";
import { benchDatabaseUrl, createDatabaseRef, freshDatabase } from "./db.js";
import { benchInbound } from "./inbound.js";
import { benchReport, reportBenchRows } from "./report.js";

const logger = createLogger({ level: process.env.BENCH_LOG_LEVEL ?? "error", json: false });
const quick = process.env.BENCH_QUICK === "1";
const TOKEN = "123456:bench_token_bench_token";

interface FakeStats { sent: number; throttled: number; times?: number[] }

async function startFake(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/fake-server.ts"], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /"url":"([^"]+)"/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`fake exited ${code}`)));
  });
  return { url, stop: () => child.kill("SIGTERM") };
}

async function control(url: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(url + path, { method: body === undefined ? "GET" : "POST", body: body === undefined ? undefined : JSON.stringify(body), headers: { "content-type": "application/json" } });
  return res.json();
}

/** Queue n announcement deliveries to the first n subscribers, as one broadcast. */
async function queueBroadcast(database: Database, n: number): Promise<string> {
  const [b] = await queryRows<{ id: string }>(database.db, sql`insert into broadcasts (kind, created_by) values ('announcement', 'bench') returning id`);
  const message = JSON.stringify({ text: "📢 Lấy ý kiến dự thảo: Nghị quyết về phí thu gom rác thải\n\nQuy định mức phí thu gom rác thải sinh hoạt.", buttons: [[{ label: "Góp ý", action: "unsub" }]] });
  await database.db.execute(sql`
    insert into deliveries (broadcast_id, subscriber_id, channel, kind, message)
    select ${b!.id}, id, 'telegram', 'announcement', ${message}::jsonb from subscribers order by external_id limit ${n}`);
  return b!.id;
}

async function waitDone(database: Database, broadcastId: string) {
  for (;;) {
    await new Promise((r) => setTimeout(r, 100));
    const [r] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from deliveries where broadcast_id = ${broadcastId} and state in ('queued', 'sending')`);
    if (r!.n === 0) return;
  }
}

/** Sends per second from the fake's own clock, first to last accepted send. */
function rateOf(times: number[]): number {
  if (times.length < 2) return 0;
  return ((times.length - 1) / (times[times.length - 1]! - times[0]!)) * 1000;
}

async function pipeline(database: Database, fakeUrl: string, adapter: ChannelAdapter, o: { n: number; limit: number; latencyMs: number }) {
  await control(fakeUrl, "/__fake/reset", {});
  await control(fakeUrl, "/__fake/config", { latencyMs: o.latencyMs, rateLimitPerSecond: o.limit, retryAfterSeconds: 1 });
  const id = await queueBroadcast(database, o.n);
  const worker = createDeliveryWorker({ db: database.db, adapters: [adapter], logger, metrics: createMetrics(), rates: { telegram: o.limit }, idlePollMs: 50 });
  const t0 = performance.now();
  await worker.start();
  await waitDone(database, id);
  const wall = (performance.now() - t0) / 1000;
  await worker.stop();
  const stats = (await control(fakeUrl, "/__fake/stats")) as FakeStats;
  const [failed] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from deliveries where broadcast_id = ${id} and state <> 'sent'`);
  return { sent: stats.sent, rate: rateOf(stats.times ?? []), wallSeconds: wall, throttled: stats.throttled, notSent: failed!.n };
}

/** The physical ceiling: sendMessage in a tight loop with 64 requests in flight, raw node:http keep-alive. */
async function bareLoop(fakeUrl: string, n: number, concurrency = 64) {
  await control(fakeUrl, "/__fake/reset", {});
  await control(fakeUrl, "/__fake/config", { latencyMs: 0, rateLimitPerSecond: 0 });
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const u = new URL(fakeUrl);
  let next = 0;
  const post = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const body = JSON.stringify({ chat_id: 90_000_000 + i, text: "📢 Lấy ý kiến dự thảo: Nghị quyết về phí thu gom rác thải" });
      const req = http.request({ agent, host: u.hostname, port: u.port, method: "POST", path: `/bot${TOKEN}/sendMessage`, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on("end", () => resolve());
      });
      req.on("error", reject);
      req.end(body);
    });
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) await post(next++);
  }));
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  return { sent: n, rate: n / seconds };
}

/** The same loop through the product's Telegram adapter (grammY), no database: the adapter's own cost. */
async function adapterLoop(fakeUrl: string, adapter: ChannelAdapter, n: number, concurrency = 64) {
  await control(fakeUrl, "/__fake/reset", {});
  await control(fakeUrl, "/__fake/config", { latencyMs: 0, rateLimitPerSecond: 0 });
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) {
      const i = next++;
      await adapter.send({ subscriberId: "x", externalId: String(91_000_000 + i) }, { text: "📢 Lấy ý kiến dự thảo: Nghị quyết về phí thu gom rác thải" });
    }
  }));
  return { sent: n, rate: n / ((performance.now() - t0) / 1000) };
}

/** The baseline users write: take one queued row, send it, mark it sent; one at a time. */
async function naive(database: Database, fakeUrl: string, adapter: ChannelAdapter, n: number) {
  await control(fakeUrl, "/__fake/reset", {});
  await control(fakeUrl, "/__fake/config", { latencyMs: 0, rateLimitPerSecond: 0 });
  const id = await queueBroadcast(database, n);
  const t0 = performance.now();
  for (;;) {
    const [row] = await queryRows<{ id: number; subscriber_id: string; external_id: string; message: { text: string } }>(database.db, sql`
      select d.id, d.subscriber_id, s.external_id, d.message from deliveries d join subscribers s on s.id = d.subscriber_id
      where d.broadcast_id = ${id} and d.state = 'queued' order by d.id limit 1`);
    if (!row) break;
    const r = await adapter.send({ subscriberId: row.subscriber_id, externalId: row.external_id }, row.message);
    await database.db.execute(sql`update deliveries set state = 'sent', external_id = ${r.externalId}, sent_at = now() where id = ${row.id}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  return { sent: n, rate: n / seconds };
}

interface RssPrepare { draftId: string; seconds: number; startRssMb: number; databaseOpenRssMb: number; peakRssMb: number }
interface RssServe { recipients: number; sent: number; enqueueMs: number; seconds: number; startRssMb: number; databaseOpenRssMb: number; peakRssMb: number }

async function runChild<T>(env: Record<string, string>): Promise<T> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/rss-child.ts"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((r) => child.on("exit", r));
  if (code !== 0) throw new Error(`rss child (${env.RSS_PHASE}) exited ${code}`);
  return JSON.parse(out.trim().split("\n").pop()!) as T;
}

/**
 * Memory of a 100,000-recipient broadcast, as a service runs it: one process creates, migrates and seeds
 * the database (for PGlite that first open runs initdb: its peak is reported separately), then a second
 * process, a service over that existing database, publishes and sends everything.
 */
async function rssChild(fakeUrl: string): Promise<{ firstOpen: RssPrepare; broadcast: RssServe }> {
  await control(fakeUrl, "/__fake/reset", {});
  await control(fakeUrl, "/__fake/config", { latencyMs: 0, rateLimitPerSecond: 0, recordTimes: false });
  const ref = await createDatabaseRef();
  try {
    const recipients = quick ? "20000" : "100000";
    const dbRef = JSON.stringify({ url: ref.url, dataDir: ref.dataDir });
    const firstOpen = await runChild<RssPrepare>({ RSS_PHASE: "prepare", BENCH_DB_REF: dbRef, RSS_RECIPIENTS: recipients });
    const broadcast = await runChild<RssServe>({ RSS_PHASE: "serve", BENCH_DB_REF: dbRef, RSS_RECIPIENTS: recipients, RSS_DRAFT_ID: firstOpen.draftId, FAKE_URL: fakeUrl });
    return { firstOpen, broadcast };
  } finally {
    await control(fakeUrl, "/__fake/config", { recordTimes: true });
    await ref.drop();
  }
}

const pct = (a: number, b: number) => (b ? (a / b) * 100 : 0);
const f1 = (x: number) => x.toFixed(1);

async function main() {
  const dbKind = benchDatabaseUrl() ? "PostgreSQL" : "PGlite (embedded)";
  console.log(`gopy delivery benchmark — database: ${dbKind}; ${os.cpus().length} CPUs; node ${process.version}${quick ? " (quick)" : ""}`);
  const fake = await startFake();
  const database = await freshDatabase(logger);
  try {
    const n1000 = quick ? 3000 : 10_000;
    await seedSubscribers(database.db, { count: Math.max(n1000, 10_000), units: await someUnits(database.db, 10), base: 10_000_000 });
    const telegram = createTelegramChannel({ token: TOKEN, apiRoot: fake.url, mode: "polling", logger });

    console.log("… 30 msg/s limit, 80 ms latency");
    const r30 = await pipeline(database, fake.url, telegram, { n: quick ? 150 : 450, limit: 30, latencyMs: 80 });
    console.log("… 1000 msg/s limit, 80 ms latency");
    const r1000 = await pipeline(database, fake.url, telegram, { n: n1000, limit: 1000, latencyMs: 80 });
    console.log("… no limit, no latency (pipeline ceiling)");
    const ceiling = await pipeline(database, fake.url, telegram, { n: n1000, limit: 0, latencyMs: 0 });
    console.log("… bare HTTP loop");
    const bare = await bareLoop(fake.url, n1000);
    console.log("… the Telegram adapter in a loop, no database");
    const viaAdapter = await adapterLoop(fake.url, telegram, n1000);
    console.log("… naive sequential loop");
    const base = await naive(database, fake.url, telegram, quick ? 500 : 2000);
    console.log(`… ${quick ? "20,000" : "100,000"}-recipient broadcast, peak RSS (child process)`);
    const { firstOpen, broadcast: rss } = await rssChild(fake.url);
    console.log("… inbound webhooks (the service in a child process, Telegram webhook mode, 64 connections)");
    const inbound = await benchInbound({ durationS: quick ? 5 : 15 });
    const inboundOk = inbound.non2xx + inbound.errors === 0 && inbound.answersStored >= inbound.requests - inbound.non2xx - inbound.errors;

    const rows = [
      { what: "rate under a 30 msg/s limit, 80 ms latency", value: `${f1(r30.rate)} msg/s = ${f1(pct(r30.rate, 30))} % (429s: ${r30.throttled})`, target: "≥ 98 %, zero 429", ok: pct(r30.rate, 30) >= 98 && r30.throttled === 0 && r30.notSent === 0 },
      { what: "rate under a 1000 msg/s limit, 80 ms latency", value: `${f1(r1000.rate)} msg/s = ${f1(pct(r1000.rate, 1000))} % (429s: ${r1000.throttled})`, target: "≥ 95 %", ok: pct(r1000.rate, 1000) >= 95 && r1000.notSent === 0 },
      { what: "pipeline ceiling, no limit, no latency", value: `${f1(ceiling.rate)} msg/s = ${f1(pct(ceiling.rate, bare.rate))} % of bare`, target: "≥ 50 % of bare", ok: pct(ceiling.rate, bare.rate) >= 50 && ceiling.notSent === 0 },
      { what: "bare HTTP client loop (physical ceiling)", value: `${f1(bare.rate)} msg/s`, target: "—", ok: true },
      { what: "Telegram adapter (grammY) loop, no database", value: `${f1(viaAdapter.rate)} msg/s (pipeline = ${f1(pct(ceiling.rate, viaAdapter.rate))} % of it)`, target: "—", ok: true },
      { what: "naive sequential send + update (baseline)", value: `${f1(base.rate)} msg/s (pipeline ceiling = ${f1(ceiling.rate / base.rate)}×)`, target: "—", ok: true },
      { what: `peak RSS, ${rss.recipients.toLocaleString("en")}-recipient broadcast (service over an existing database)`, value: `${f1(rss.peakRssMb)} MB (process ${f1(rss.startRssMb)} MB, database open → ${f1(rss.databaseOpenRssMb)} MB; ${f1(rss.seconds)} s, enqueue ${rss.enqueueMs} ms)`, target: "≤ 300 MB", ok: rss.peakRssMb <= 300 && rss.sent === rss.recipients },
      {
        what: `inbound webhooks (answer stored, reply queued), ${inbound.connections} connections, ${inbound.durationS} s`,
        value: `${inbound.perSecond}/s, p50 ${inbound.latencyP50Ms} ms, p99 ${inbound.latencyP99Ms} ms (${inbound.non2xx + inbound.errors} failed, ${inbound.answersStored} answers stored)`,
        target: inbound.database === "postgres" ? "≥ 1,500/s, p99 ≤ 100 ms" : "— (target is for PostgreSQL)",
        ok: inboundOk && (inbound.database !== "postgres" || (inbound.perSecond >= 1500 && inbound.latencyP99Ms <= 100)),
      },
      { what: `peak RSS, first open of an empty database${benchDatabaseUrl() ? "" : " (PGlite initdb)"} + migrate + seed`, value: `${f1(firstOpen.peakRssMb)} MB (database open → ${f1(firstOpen.databaseOpenRssMb)} MB; ${f1(firstOpen.seconds)} s; a separate process, once per data directory)`, target: "— (reported)", ok: true },
    ];
    const w = [Math.max(...rows.map((r) => r.what.length)), Math.max(...rows.map((r) => r.value.length)), 16];
    console.log("\n" + ["what".padEnd(w[0]!), "measured".padEnd(w[1]!), "target".padEnd(w[2]!), "ok"].join(" | "));
    console.log(w.map((x) => "-".repeat(x)).join("-|-") + "-|---");
    for (const r of rows) console.log([r.what.padEnd(w[0]!), r.value.padEnd(w[1]!), r.target.padEnd(w[2]!), r.ok ? "yes" : "NO"].join(" | "));

    const result = {
      at: new Date().toISOString(),
      database: dbKind,
      cpus: os.cpus().length,
      node: process.version,
      quick,
      adapter: "bots/telegram (grammY) → fake Bot API in a child process",
      limit30: { ...r30, limit: 30, latencyMs: 80, percentOfLimit: pct(r30.rate, 30) },
      limit1000: { ...r1000, limit: 1000, latencyMs: 80, percentOfLimit: pct(r1000.rate, 1000) },
      ceiling: { ...ceiling, percentOfBare: pct(ceiling.rate, bare.rate) },
      bareHttpLoop: bare,
      adapterLoop: viaAdapter,
      naiveSequential: base,
      memory: rss,
      memoryFirstOpen: firstOpen,
      inbound,
      targetsMet: rows.every((r) => r.ok),
    };
    await mkdir("bench/results", { recursive: true });
    await writeFile("bench/results/latest.json", JSON.stringify(result, null, 2) + "\n");
    console.log("\nwritten to bench/results/latest.json");
  } finally {
    await database.close();
    fake.stop();
  }
}

/** `npm run bench -- report`: the annual report only; otherwise everything, the report last. */
async function reportOnly() {
  console.log(`gopy annual report benchmark — database: ${benchDatabaseUrl() ? "PostgreSQL" : "PGlite (embedded)"}; ${os.cpus().length} CPUs; node ${process.version}`);
  const r = await benchReport();
  for (const row of reportBenchRows(r)) console.log([row.what, row.value, row.target, row.ok ? "yes" : "NO"].join(" | "));
  await mkdir("bench/results", { recursive: true });
  await writeFile("bench/results/report-latest.json", JSON.stringify({ at: new Date().toISOString(), database: benchDatabaseUrl() ? "PostgreSQL" : "PGlite", ...r }, null, 2) + "\n");
}

if (!process.argv.includes("report")) await main();
await reportOnly();
