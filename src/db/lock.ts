import os from "node:os";
import path from "node:path";
import { readFile, rm, writeFile } from "node:fs/promises";
import lockfile from "proper-lockfile";
import type { Logger } from "../logger.js";

export interface DataDirLock {
  release(): Promise<void>;
}

/** Raised when another process holds the embedded database. */
export class DataDirLockedError extends Error {
  constructor(readonly dataDir: string) {
    super(
      `The embedded database in ${dataDir} is in use by another gopy process. ` +
        "Only one process may open it at a time: stop the other one, or set DATABASE_URL to use PostgreSQL " +
        "(several instances may share it).",
    );
    this.name = "DataDirLockedError";
  }
}

/** Who holds the lock: written next to it when taken, so that a successor can tell a dead holder at once. */
interface LockOwner {
  pid: number;
  host: string;
}

const lockPath = (dataDir: string) => path.join(dataDir, "gopy.lock");
const ownerPath = (dataDir: string) => path.join(dataDir, "gopy.lock.owner");

async function readOwner(dataDir: string): Promise<LockOwner | null> {
  try {
    const parsed = JSON.parse(await readFile(ownerPath(dataDir), "utf8")) as Partial<LockOwner>;
    return typeof parsed.pid === "number" && typeof parsed.host === "string" ? { pid: parsed.pid, host: parsed.host } : null;
  } catch {
    return null;
  }
}

/** Whether a process with this id runs on this machine (EPERM: it runs, under another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The holder recorded for a lock that exists, when that holder is a process of this machine that no
 * longer runs (killed with SIGKILL, power loss of a container…). A holder on another host, or one still
 * alive, or an unreadable record: null (then only proper-lockfile's staleness frees the lock).
 */
async function deadOwner(dataDir: string): Promise<LockOwner | null> {
  if (!(await lockfile.check(dataDir, { lockfilePath: lockPath(dataDir), realpath: false, stale: 2 ** 31 - 1 }))) return null;
  const owner = await readOwner(dataDir);
  if (!owner || owner.host !== os.hostname() || owner.pid === process.pid || isAlive(owner.pid)) return null;
  return owner;
}

/**
 * PGlite has no lock of its own on its data directory, and two processes writing to it corrupt it.
 * proper-lockfile keeps a lock directory whose mtime is refreshed while we live; a crashed holder's
 * lock goes stale after `staleMs`. Beside it we record our pid and host: a lock whose holder is a dead
 * process of this machine is taken over at once (a supervisor restarting the service right after a
 * SIGKILL does not have to wait), and the log says so.
 */
export async function lockDataDir(dataDir: string, logger: Logger, staleMs = 10_000): Promise<DataDirLock> {
  const dead = await deadOwner(dataDir);
  if (dead) {
    // Checked again just before removing, to narrow the window in which another successor took it.
    const again = await readOwner(dataDir);
    if (again && again.pid === dead.pid && again.host === dead.host) {
      await rm(lockPath(dataDir), { recursive: true, force: true });
      logger.warn(`took over the lock of process ${dead.pid}, which no longer runs (it did not stop cleanly)`, { dataDir });
    }
  }
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dataDir, {
      lockfilePath: lockPath(dataDir),
      stale: staleMs,
      update: Math.floor(staleMs / 2),
      realpath: false,
      onCompromised: (err) => {
        logger.error("Lost the lock on the embedded database; stopping to protect the data", { err: err.message });
        process.exit(70);
      },
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ELOCKED") throw new DataDirLockedError(dataDir);
    throw err;
  }
  const me: LockOwner = { pid: process.pid, host: os.hostname() };
  await writeFile(ownerPath(dataDir), JSON.stringify(me), { mode: 0o600 });
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      await rm(ownerPath(dataDir), { force: true });
      await release();
    },
  };
}

/** Whether another live process holds the lock now (used by the CLI to choose how to reach the data). */
export async function isDataDirLocked(dataDir: string, staleMs = 10_000): Promise<boolean> {
  if (await deadOwner(dataDir)) return false;
  return lockfile.check(dataDir, { lockfilePath: lockPath(dataDir), stale: staleMs, realpath: false });
}
