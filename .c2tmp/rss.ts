import { spawn } from "node:child_process";
import { createDatabaseRef } from "../bench/db.js";
const child = spawn(process.execPath, ["--import", "tsx", "bench/fake-server.ts"], { stdio: ["ignore", "pipe", "inherit"] });
const url = await new Promise<string>((resolve) => { let out = ""; child.stdout.on("data", (c: Buffer) => { out += c; const m = /"url":"([^"]+)"/.exec(out); if (m) resolve(m[1]!); }); });
async function run(env: Record<string, string>) {
  const c = spawn(process.execPath, ["--import", "tsx", "bench/rss-child.ts"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  let out = ""; c.stdout.on("data", (b: Buffer) => (out += b));
  await new Promise((r) => c.on("exit", r)); console.log(env.RSS_PHASE, out.trim()); return JSON.parse(out.trim().split("\n").pop()!);
}
const ref = await createDatabaseRef();
const dbRef = JSON.stringify({ url: ref.url, dataDir: ref.dataDir });
const N = process.env.RSS_RECIPIENTS ?? "100000";
const p = await run({ RSS_PHASE: "prepare", BENCH_DB_REF: dbRef, RSS_RECIPIENTS: N });
for (let i = 0; i < Number(process.env.REPEAT ?? 1); i++) await run({ RSS_PHASE: "serve", BENCH_DB_REF: dbRef, RSS_RECIPIENTS: N, RSS_DRAFT_ID: p.draftId, FAKE_URL: url });
await ref.drop(); child.kill();
