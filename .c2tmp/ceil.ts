import { spawn } from "node:child_process";
import http from "node:http";
import { readFileSync, readdirSync } from "node:fs";
const tick = 100;
function cpuOf(pid: number) { try { const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" "); return (Number(f[11]) + Number(f[12])) * 1000 / tick; } catch { return 0; } }
let DBN = "";
function pgCpu() { let t = 0; for (const d of readdirSync("/proc")) { if (!/^\d+$/.test(d)) continue; try { const c = readFileSync(`/proc/${d}/cmdline`, "utf8"); if (c.startsWith("postgres") && (c.includes(DBN) || !c.includes("gopy") && !c.includes("test"))) t += cpuOf(Number(d)); } catch {} } return t; }
function snap() { return { self: cpuOf(process.pid), fake: cpuOf(child.pid!), pg: pgCpu(), t: performance.now() }; }
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "../src/db/client.js";
import { createLogger } from "../src/logger.js";
import { createMetrics } from "../src/metrics.js";
import { createDeliveryWorker } from "../src/delivery/worker.js";
import { createTelegramChannel } from "../bots/telegram/index.js";
import { seedSubscribers, someUnits } from "../test/support/delivery.js";
import { freshDatabase } from "../bench/db.js";
(globalThis as any).__C2 = [];
const logger = createLogger({ level: "error", json: false });
const TOKEN = "123456:bench_token_bench_token";
const N = Number(process.env.N ?? 10000);
const child = spawn(process.execPath, ["--import", "tsx", "bench/fake-server.ts"], { stdio: ["ignore", "pipe", "inherit"] });
const url = await new Promise<string>((resolve) => { let out = ""; child.stdout.on("data", (c: Buffer) => { out += c; const m = /"url":"([^"]+)"/.exec(out); if (m) resolve(m[1]!); }); });
const control = async (p: string, body?: unknown) => (await fetch(url + p, { method: body === undefined ? "GET" : "POST", body: body === undefined ? undefined : JSON.stringify(body) })).json();
const database: Database = await freshDatabase(logger);
DBN = ((await database.db.execute(sql`select current_database() as d`)) as unknown as { rows: { d: string }[] }).rows[0]!.d;
await seedSubscribers(database.db, { count: N, units: await someUnits(database.db, 10), base: 10_000_000 });
let wdb = database;
if (process.env.AUTOEXPLAIN) {
  await database.db.execute(sql.raw(`alter database ${DBN} set session_preload_libraries = 'auto_explain'`));
  await database.db.execute(sql.raw(`alter database ${DBN} set auto_explain.log_min_duration = '25ms'`));
  await database.db.execute(sql.raw(`alter database ${DBN} set auto_explain.log_analyze = on`));
  const { openDatabase } = await import("../src/db/client.js");
  const u = new URL(process.env.TEST_DATABASE_URL!); u.pathname = "/" + DBN;
  wdb = await openDatabase({ url: u.toString(), logger, poolSize: 10 });
}
const telegram = createTelegramChannel({ token: TOKEN, apiRoot: url, mode: "polling", logger });
const message = JSON.stringify({ text: "📢 Lấy ý kiến dự thảo: Nghị quyết về phí thu gom rác thải\n\nQuy định mức phí thu gom rác thải sinh hoạt.", buttons: [[{ label: "Góp ý", action: "unsub" }]] });
function rateOf(times: number[]) { return ((times.length - 1) / (times[times.length - 1]! - times[0]!)) * 1000; }
for (const what of (process.env.WHAT ?? "adapter,ceiling,bare").split(",")) {
  await control("/__fake/reset", {}); await control("/__fake/config", { latencyMs: 0, rateLimitPerSecond: 0 });
  const c0 = snap();
  const t0 = performance.now();
  if (what === "ceiling" || what === "null") {
    const [b] = await queryRows<{ id: string }>(database.db, sql`insert into broadcasts (kind, created_by) values ('announcement', 'bench') returning id`);
    await database.db.execute(sql`insert into deliveries (broadcast_id, subscriber_id, channel, kind, message) select ${b!.id}, id, 'telegram', 'announcement', ${message}::jsonb from subscribers order by external_id limit ${N}`);
    const t1 = performance.now();
    const w = createDeliveryWorker({ db: wdb.db, adapters: [what === "null" ? { name: "telegram", supportsButtons: true, send: () => new Promise((r) => setImmediate(() => r({ externalId: "1" }))), parseInbound: () => [] } as any : telegram], logger, metrics: createMetrics(), rates: { telegram: 0 }, idlePollMs: 50 });
    await w.start();
    for (;;) { await new Promise((r) => setTimeout(r, Number(process.env.POLL ?? 50))); const [r] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from deliveries where broadcast_id = ${b!.id} and state in ('queued','sending')`); if (!r!.n) break; }
    await w.stop();
    const L = (globalThis as any).__C2 as [string, number, number][];
    for (const k of ["claim", "flush"]) { const x = L.filter((e) => e[0] === k); console.log(k, "calls", x.length, "rows", x.reduce((a, e) => a + e[1], 0), "ms", x.reduce((a, e) => a + e[2], 0).toFixed(0), "avg rows", (x.reduce((a, e) => a + e[1], 0) / x.length).toFixed(0)); }
    console.log("ceiling wall", (N / ((performance.now() - t1) / 1000)).toFixed(0));
  } else if (what === "adapter") {
    let next = 0;
    await Promise.all(Array.from({ length: 64 }, async () => { while (next < N) { const i = next++; await telegram.send({ subscriberId: "x", externalId: String(91_000_000 + i) }, { text: "📢 Lấy ý kiến dự thảo: Nghị quyết về phí thu gom rác thải" }); } }));
  } else if (what === "bare") {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 }); const u = new URL(url); let next = 0;
    const post = (i: number) => new Promise<void>((resolve, reject) => { const body = JSON.stringify({ chat_id: 90_000_000 + i, text: "📢 Lấy ý kiến dự thảo: Nghị quyết về phí thu gom rác thải" }); const req = http.request({ agent, host: u.hostname, port: u.port, method: "POST", path: `/bot${TOKEN}/sendMessage`, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => { res.resume(); res.on("end", () => resolve()); }); req.on("error", reject); req.end(body); });
    await Promise.all(Array.from({ length: 64 }, async () => { while (next < N) await post(next++); }));
    agent.destroy();
  }
  const stats = (await control("/__fake/stats")) as { sent: number; times: number[] };
  const c1 = snap(); console.log("cpu ms per 1000 msgs: client", ((c1.self - c0.self) / N * 1000).toFixed(0), "fake", ((c1.fake - c0.fake) / N * 1000).toFixed(0), "pg", ((c1.pg - c0.pg) / N * 1000).toFixed(0), "wall s", ((c1.t - c0.t) / 1000).toFixed(2));
  console.log(what, "sent", stats.sent, "rate(fake clock)", rateOf(stats.times).toFixed(0), "wall", (N / ((performance.now() - t0) / 1000)).toFixed(0));
}
await database.close(); child.kill();
