import { execFileSync, execSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cp, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../../src/config.js";
import { openCliDatabase } from "../../src/cli/open-database.js";
import { quietLogger } from "./database.js";
import { watchChildOutput, watchSecretsIn } from "./log-watch.js";

/**
 * The environment of a child gopy process: the test's own, minus anything that would choose the database;
 * logging at debug level (its log is watched for secrets, log-watch.ts).
 */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  watchSecretsIn(env);
  const base = { ...process.env };
  delete base.DATABASE_URL;
  delete base.DATA_DIR;
  // No quiet hours unless a test asks for them (QUIET_HOURS): results must not depend on the hour.
  return { ...base, NODE_ENV: "test", LOG_LEVEL: "debug", HOST: "127.0.0.1", PORT: "0", QUIET_HOURS: "00:00-00:00", ...env };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the real CLI (`node --import tsx src/cli/main.ts …`) as a child process. */
export function runCliProcess(args: string[], env: Record<string, string>, timeoutMs = 60_000, stdin?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { env: childEnv(env), stdio: [stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    if (stdin !== undefined) child.stdin?.end(stdin);
    // Standard output is the command's own (a created key is printed there for the operator); its log is standard error.
    watchChildOutput(child, "cli-stderr", { stdout: false });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`CLI ${args.join(" ")} timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** The node command of package.json's start script for one service: its arguments and the variables the script sets for it. */
export interface StartCommand {
  args: string[];
  /** Set by the script before `node` (npm start's MALLOC_ARENA_MAX): give them to the child with its own. */
  vars: Record<string, string>;
}

/**
 * package.json's start script, "<build> && [NAME=value …] node <args…>": the build command, and the node
 * command for a service started with `env` — its arguments (a `$(node <script>)` in them is run as the shell
 * would, with that environment: npm start's flags depend on the database, src/node-flags.ts) together with
 * the variables set for it, so that no caller takes one without the other. Builds first if the script is
 * not built yet.
 */
export function startScript(): { build: string; command: (env?: Record<string, string>) => StartCommand } {
  const start = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: { start: string } }).scripts.start;
  const m = /^(.*)&&\s*((?:[A-Z_]+=\S+\s+)*)node\s+(.+)$/.exec(start);
  if (!m) throw new Error(`unexpected start script: ${start}`);
  const build = m[1]!.trim();
  const vars = Object.fromEntries(m[2]!.trim().split(/\s+/).filter(Boolean).map((a) => [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]));
  const args = m[3]!.trim();
  return {
    build,
    command: (env = {}) => ({
      args: args
        .replace(/\$\(node ([^)]+)\)/g, (_, script: string) => {
          if (!existsSync(script.trim())) execSync(build, { stdio: "pipe" });
          return execFileSync(process.execPath, script.trim().split(/\s+/), { env: childEnv(env), encoding: "utf8" }).trim();
        })
        .split(/\s+/),
      vars: { ...vars },
    }),
  };
}

/**
 * Start the real service and wait until /healthz answers: from the sources (`node --import tsx src/main.ts`),
 * or with `asNpmStart` as `npm start` runs it (package.json's build, then its node command on dist/).
 */
export async function startServiceProcess(env: Record<string, string>, timeoutMs = 90_000, opts: { asNpmStart?: boolean } = {}): Promise<ServiceProcess> {
  let args = ["--import", "tsx", "src/main.ts"];
  let scriptEnv: Record<string, string> = {};
  if (opts.asNpmStart) {
    const script = startScript();
    execSync(script.build, { stdio: "pipe" });
    ({ args, vars: scriptEnv } = script.command(env));
  }
  const child = spawn(process.execPath, args, { env: childEnv({ ...env, ...scriptEnv }), stdio: ["ignore", "pipe", "pipe"] });
  watchChildOutput(child, "service");
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the service did not start in time:\n${output}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      output += d.toString("utf8");
      const m = /gopy is listening.*?"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited with ${code}:\n${output}`));
    });
  });
  const health = await fetch(url + "/healthz");
  if (health.status !== 200) throw new Error(`/healthz answered ${health.status}`);
  return {
    child,
    url,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

/**
 * A migrated PGlite data directory with the units, built once; `copy()` gives each test its own
 * (the first open of an empty data directory is slow and memory-hungry).
 */
export async function pgliteDataDirTemplate() {
  const root = await mkdtemp(path.join(os.tmpdir(), "gopy-cli-"));
  const template = path.join(root, "template");
  const config = loadConfig({ DATA_DIR: template, NODE_ENV: "test" });
  const database = await openCliDatabase(config, quietLogger());
  await database.close();
  let n = 0;
  return {
    root,
    async copy() {
      const dir = path.join(root, `d${n++}`);
      await cp(template, dir, { recursive: true });
      return dir;
    },
    async dispose() {
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** The key a `keys create` printed: the last line of its standard output. */
export function lastLine(stdout: string): string {
  const lines = stdout.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines.at(-1) ?? "";
}
