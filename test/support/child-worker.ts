import { spawn, type ChildProcess } from "node:child_process";
import { watchChildOutput, watchSecretsIn } from "./log-watch.js";

export interface ChildWorker {
  child: ChildProcess;
  /** Resolves with the final JSON line ({done, sent}) or rejects if the process fails. */
  done: Promise<{ done: true; sent: number }>;
  ready: Promise<void>;
  stderr(): string;
}

/** Run test/fixtures/delivery-worker.ts in a child process (node --import tsx), logging at debug level into the log watch. */
export function spawnWorker(env: Record<string, string>): ChildWorker {
  watchSecretsIn(env);
  const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/delivery-worker.ts"], {
    env: { ...process.env, WORKER_LOG_LEVEL: "debug", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  watchChildOutput(child, "delivery-worker");
  let out = "";
  let err = "";
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (onReady = r));
  child.stdout.on("data", (c: Buffer) => {
    out += c.toString();
    if (out.includes('"ready":true')) onReady();
  });
  child.stderr.on("data", (c: Buffer) => (err += c.toString()));
  const done = new Promise<{ done: true; sent: number }>((resolve, reject) => {
    child.on("exit", (code, signal) => {
      const last = out.trim().split("\n").map((l) => { try { return JSON.parse(l) as { done?: boolean; sent: number }; } catch { return null; } }).find((l) => l?.done);
      if (code === 0 && last) resolve(last as { done: true; sent: number });
      else reject(new Error(`worker exited with ${code ?? signal}: ${err.slice(-2000)}`));
    });
  });
  done.catch(() => undefined);
  return { child, done, ready, stderr: () => err };
}
