import path from "node:path";
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

/**
 * PGlite has no lock of its own on its data directory, and two processes writing to it corrupt it.
 * proper-lockfile keeps a lock directory whose mtime is refreshed while we live; a crashed holder's
 * lock goes stale after `staleMs` and is taken over.
 */
export async function lockDataDir(dataDir: string, logger: Logger, staleMs = 10_000): Promise<DataDirLock> {
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dataDir, {
      lockfilePath: path.join(dataDir, "gopy.lock"),
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
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      await release();
    },
  };
}

/** Whether another process holds the lock now (used by the CLI to choose how to reach the data). */
export async function isDataDirLocked(dataDir: string, staleMs = 10_000): Promise<boolean> {
  return lockfile.check(dataDir, { lockfilePath: path.join(dataDir, "gopy.lock"), stale: staleMs, realpath: false });
}
