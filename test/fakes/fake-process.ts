import { spawn } from "node:child_process";

/**
 * A fake platform in a process of its own, for what it judges by its own clock: a strict rate limit on
 * arrival and the gaps between one chat's messages. In the process under test a fake reads a request only
 * when that process's event loop comes to it, after whatever synchronous work is queued first — the
 * embedded database's statements run on that same thread — so it would judge sends that left on time as
 * arriving together; the platform reads them as they reach its servers. Its own process reads them as they
 * reach the socket, as the benchmark's fake does.
 *
 * `script` (a source path from the project's root, run with tsx — from the compiled bench as from the tests)
 * starts the fake and prints one JSON line with at least its `url`; SIGTERM stops it, and so does the end of
 * its stdin (the parent gone, whatever the way: no fake outlives its test run). Control goes over
 * HTTP: `call(path)` GETs, `call(path, body)` POSTs JSON. The script's side of that is `serveAsFakeProcess`.
 */
export interface FakeProcess<Info extends { url: string }> {
  info: Info;
  call<T>(path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export async function startFakeProcess<Info extends { url: string }>(script: string, options: unknown = {}): Promise<FakeProcess<Info>> {
  const child = spawn(process.execPath, ["--import", "tsx", script, JSON.stringify(options)], { stdio: ["pipe", "pipe", "inherit"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const info = await new Promise<Info>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      const line = out.split("\n").find((l) => l.startsWith("{") && l.includes('"url"'));
      if (line) resolve(JSON.parse(line) as Info);
    });
    child.once("exit", (code) => reject(new Error(`${script} exited (code ${code}) before listening`)));
  });

  return {
    info,
    async call<T>(path: string, body?: unknown): Promise<T> {
      const init = body === undefined ? {} : { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } };
      const res = await fetch(info.url + path, init);
      if (!res.ok) throw new Error(`${script} ${path}: HTTP ${res.status}`);
      return (await res.json()) as T;
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * The child's side of `startFakeProcess`, for a fake's server script: announce the fake (one JSON line with its
 * `url`), and close it, then exit, on SIGTERM or when stdin ends (the parent gone).
 */
export function serveAsFakeProcess(info: { url: string; [more: string]: unknown }, close: () => Promise<void>): void {
  console.log(JSON.stringify(info));
  const stop = () => void close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.stdin.on("end", stop).resume();
}
