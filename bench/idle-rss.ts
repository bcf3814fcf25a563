/**
 * Idle memory of `npm start` on the embedded database (PGlite), as a fresh clone runs it: package.json's start
 * script (build, then node with its flags on the build) — the build once, then the node command in a
 * child process over a new data directory (the first start: initdb, migrations, units), then a second start
 * over that existing directory; each left idle for a few seconds, RSS read from /proc. The second is the
 * figure for the target (≤ 250 MB); the first start's peak (initdb) is reported beside it.
 *   npx tsx bench/idle-rss.ts   (or as part of npm run bench)
 */
import { execSync, spawn } from "node:child_process";
import { startScript } from "../test/support/processes.js";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

export interface IdleRss {
  /** The first start over an empty data directory. */
  firstStart: { rssMb: number; peakMb: number; readyS: number };
  /** A start over the existing directory: RSS after idling, and the peak (VmHWM). */
  idle: { rssMb: number; peakMb: number; readyS: number };
  nodeArgs: string[];
}

async function procStatus(pid: number): Promise<{ rssMb: number; peakMb: number }> {
  const s = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, "m").exec(s)?.[1] ?? 0);
  return { rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 };
}

/** Start the service the way `npm start` does (its node command, flags and variables included), wait until it listens, idle `idleMs`, read its memory. */
async function startIdle(dataDir: string, idleMs: number, nodeArgs: string[], script: string[], scriptEnv: Record<string, string>) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, ...script], {
    env: { ...process.env, ...scriptEnv, DATA_DIR: dataDir, DATABASE_URL: "", PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", NODE_ENV: "production", TELEGRAM_BOT_TOKEN: "", ZALO_OA_APP_ID: "", ZALO_BOT_TOKEN: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stderr.on("data", (c: Buffer) => (out += c.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      if (/"url":"http:\/\/127\.0\.0\.1:\d+"/.test(out)) resolve();
    });
    child.on("exit", (code) => reject(new Error(`service exited ${code}: ${out.slice(-1500)}`)));
  });
  const readyS = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, idleMs));
  const m = await procStatus(child.pid!);
  await new Promise<void>((resolve) => {
    child.removeAllListeners("exit");
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
  return { ...m, readyS };
}

export async function benchIdleRss(opts: { idleMs?: number; nodeArgs?: string[] } = {}): Promise<IdleRss> {
  const nodeArgs = opts.nodeArgs ?? (process.env.BENCH_IDLE_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
  const { build, command } = startScript();
  execSync(build, { stdio: "inherit" });
  const { args: node, vars: scriptEnv } = command({ DATABASE_URL: "" });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "gopy-idle-"));
  try {
    const firstStart = await startIdle(dataDir, 1000, nodeArgs, node, scriptEnv);
    const idle = await startIdle(dataDir, opts.idleMs ?? 5000, nodeArgs, node, scriptEnv);
    return { firstStart, idle, nodeArgs: [...nodeArgs, ...node.slice(0, -1)] };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchIdleRss(), null, 2));
