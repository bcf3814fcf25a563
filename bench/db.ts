import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { openDatabase, type Database } from "../src/db/client.js";
import { runMigrations } from "../src/db/migrate.js";
import { loadUnits, readUnitsFile } from "../src/units/load-units.js";
import type { Logger } from "../src/logger.js";

export const benchDatabaseUrl = () => process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || "";

/** Where a benchmark database lives: a PostgreSQL URL or a PGlite data directory (made by prepareDatabase). */
export interface BenchDatabaseRef {
  url?: string;
  dataDir?: string;
}

/**
 * Create an empty database for another process to fill and use: a new PostgreSQL database, or a new
 * (still empty) temporary directory for PGlite. `drop` removes it.
 */
export async function createDatabaseRef(): Promise<BenchDatabaseRef & { drop(): Promise<void> }> {
  const base = benchDatabaseUrl();
  if (base) {
    const name = `gopy_bench_${randomBytes(5).toString("hex")}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(base);
    u.pathname = "/" + name;
    return {
      url: u.toString(),
      drop: async () => {
        const a = new pg.Client({ connectionString: base });
        await a.connect();
        await a.query(`drop database if exists ${name} with (force)`);
        await a.end();
      },
    };
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "gopy-bench-"));
  return { dataDir, drop: () => rm(dataDir, { recursive: true, force: true }) };
}

/** Open a database made by createDatabaseRef (PGlite: initdb on the first open of the directory). */
export function openDatabaseRef(ref: BenchDatabaseRef, logger: Logger): Promise<Database> {
  return ref.url ? openDatabase({ url: ref.url, logger, poolSize: 10 }) : openDatabase({ dataDir: ref.dataDir!, logger });
}

/** Migrate and load the units (what the service does at its first start). */
export async function migrateWithUnits(database: Database): Promise<void> {
  await runMigrations(database);
  await loadUnits(database.db, await readUnitsFile("assets/units/langson-units.json"));
}

/**
 * A fresh, migrated database with the units: a new PostgreSQL database (dropped on close), or PGlite in a
 * temporary data directory on disk, as the service runs it (removed on close).
 */
export async function freshDatabase(logger: Logger): Promise<Database> {
  const ref = await createDatabaseRef();
  const inner = await openDatabaseRef(ref, logger);
  const database: Database = {
    ...inner,
    close: async () => {
      await inner.close();
      await ref.drop();
    },
  };
  await migrateWithUnits(database);
  return database;
}
