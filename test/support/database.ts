import { readFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { inject } from "vitest";
import { openDatabase, type Database } from "../../src/db/client.js";
import { createLogger, type Logger } from "../../src/logger.js";
import { serviceLogStream } from "./log-watch.js";

export type DatabaseKind = "pglite" | "postgres";

/** The database kinds this run covers: PGlite always, PostgreSQL when TEST_DATABASE_URL is set. */
export const databaseKinds: DatabaseKind[] = process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];

/**
 * The tests' logger: silent on the console (TEST_LOG_LEVEL=debug shows it), and everything the service would
 * log at debug level written to this run's log watch (log-watch.ts), which is checked for secrets and
 * residents' texts when the run ends.
 */
export function quietLogger(): Logger {
  if (process.env.TEST_LOG_LEVEL) return createLogger({ level: process.env.TEST_LOG_LEVEL, json: false });
  const stream = serviceLogStream();
  if (!stream) return createLogger({ level: "error", json: true, silent: true });
  return createLogger({ level: "debug", json: true, stream });
}

/** A fresh, migrated database with the units loaded, private to the caller. */
export async function createTestDatabase(kind: DatabaseKind = "pglite", logger = quietLogger()): Promise<Database & { url?: string }> {
  if (kind === "pglite") {
    const dump = await readFile(inject("pgliteTemplate"));
    const lite = await PGlite.create({ loadDataDir: new Blob([dump]) });
    return openDatabase({ pglite: lite, logger });
  }
  const base = process.env.TEST_DATABASE_URL;
  const template = inject("postgresTemplate");
  if (!base || !template) throw new Error("TEST_DATABASE_URL is not set");
  const name = `gopy_t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(`create database ${name} template ${template}`);
      break;
    } catch (err) {
      if (attempt >= 10) throw err;
      await new Promise((r) => setTimeout(r, 200 + attempt * 100));
    }
  }
  await admin.end();
  const u = new URL(base);
  u.pathname = "/" + name;
  const database = await openDatabase({ url: u.toString(), logger, poolSize: 10 });
  return {
    ...database,
    url: u.toString(),
    close: async () => {
      await database.close();
      const a = new pg.Client({ connectionString: base });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}
