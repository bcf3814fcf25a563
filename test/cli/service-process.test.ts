import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { watchChildOutput } from "../support/log-watch.js";
import { lastLine, runCliProcess, startServiceProcess, type ServiceProcess } from "../support/processes.js";

/** Leave a socket file behind, as a service killed with SIGKILL would. */
async function plantStaleSocket(socketPath: string) {
  const code = `require("net").createServer().listen(${JSON.stringify(socketPath)}, () => process.kill(process.pid, "SIGKILL"))`;
  await new Promise<void>((resolve) => spawn(process.execPath, ["-e", code], { stdio: "ignore" }).on("exit", () => resolve()));
  expect((await stat(socketPath)).isSocket()).toBe(true);
}

// The embedded database's one-process rule and the CLI's admin socket exist only on PGlite.
describe("the service on an embedded data directory", () => {
  let root: string;
  let dataDir: string;
  let service: ServiceProcess | undefined;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "gopy-svc-"));
    dataDir = path.join(root, "data");
  });
  afterAll(async () => {
    await service?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it("starts as npm start runs it (built) on an empty DATA_DIR and serves /healthz and the console, refuses a second process, and lets the CLI in through its socket", async () => {
    await mkdir(dataDir);
    const socketPath = path.join(dataDir, "gopy.sock");
    await plantStaleSocket(socketPath);

    service = await startServiceProcess({ DATA_DIR: dataDir }, 180_000, { asNpmStart: true });
    const health = await fetch(service.url + "/healthz");
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    // Started with npm start's variables and its database's node flags (package.json's start script, src/node-flags.ts).
    const environ = (await readFile(`/proc/${service.child.pid}/environ`, "utf8")).split("\0");
    expect(environ).toContain("MALLOC_ARENA_MAX=2");
    expect((await readFile(`/proc/${service.child.pid}/cmdline`, "utf8")).split("\0")).toContain("--max-semi-space-size=2");
    // The built service finds what is not compiled: the migrations (it started), the console's views and scripts.
    const login = await fetch(service.url + "/console/login");
    expect(login.status).toBe(200);
    expect(await login.text()).toMatch(/<form[^>]*method="post"/i);
    const script = await fetch(service.url + "/console/assets/console.js");
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toMatch(/javascript/);
    expect(service.output()).toMatch(/No API key exists yet.*keys create/);
    // The stale socket was replaced by the service's own, which only its user may use.
    const s = await stat(socketPath);
    expect(s.isSocket()).toBe(true);
    expect(s.mode & 0o777).toBe(0o600);

    const second = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
        env: { ...process.env, DATABASE_URL: "", DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", NODE_ENV: "test" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      watchChildOutput(child, "second-service");
      let output = "";
      child.stdout.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr.on("data", (d: Buffer) => (output += d.toString()));
      child.on("close", (code) => resolve({ code, output }));
    });
    expect(second.code).not.toBe(0);
    expect(second.output).toMatch(/in use by another gopy process/);
    // The first one is unharmed.
    expect((await fetch(service.url + "/readyz")).status).toBe(200);

    const created = await runCliProcess(["keys", "create", "--role", "admin", "--name", "Sở Tư pháp admin"], { DATA_DIR: dataDir });
    expect(created.code, created.stderr).toBe(0);
    const key = lastLine(created.stdout);
    const res = await fetch(service.url + "/api/v1/communes?q=dong%20kinh", { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);

    // SIGTERM: an orderly stop that removes the socket and frees the data directory for the CLI.
    expect(await service.stop()).toBe(0);
    service = undefined;
    await expect(stat(socketPath)).rejects.toMatchObject({ code: "ENOENT" });
    const list = await runCliProcess(["keys", "list"], { DATA_DIR: dataDir });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain("Sở Tư pháp admin");
  }, 240_000);
});
