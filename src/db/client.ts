import path from "node:path";
import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { is, type SQL } from "drizzle-orm";
import { createHash } from "node:crypto";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePg, NodePgSession } from "drizzle-orm/node-postgres";
import * as schema from "./schema/index.js";
import { lockDataDir, type DataDirLock } from "./lock.js";
import { takingTurns } from "./pglite-turns.js";
import type { Logger } from "../logger.js";
import { compileSql, type BuiltQuery } from "./compile-sql.js";

export type Schema = typeof schema;
/** The Drizzle database, the same type over PGlite and node-postgres. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction or the database itself: domain functions accept either. */
export type DbOrTx = Parameters<Parameters<Db["transaction"]>[0]>[0] | Db;

export interface Database {
  db: Db;
  kind: "pglite" | "postgres";
  /** Human description for logs, with no credentials. */
  where: string;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres:// URL; when absent, PGlite under dataDir. */
  url?: string | undefined;
  dataDir?: string;
  /** An already-open PGlite instance (tests load a template into memory). */
  pglite?: PGlite;
  poolSize?: number;
  logger: Logger;
}

/**
 * PGlite's PostgreSQL settings at open. Its whole buffer pool is touched when it starts (inside the
 * WebAssembly memory, which never shrinks): the default 128 MB of shared_buffers cost ~115 MB of resident
 * memory more than 16 MB, and a service-sized database (the pages are also in the OS page cache) does not
 * need more. Sorts and index builds get smaller work areas for the same reason.
 */
const PGLITE_START_PARAMS = [
  ...PGlite.defaultStartParams,
  "-c", "shared_buffers=16MB",
  "-c", "work_mem=2MB",
  "-c", "maintenance_work_mem=16MB",
  "-c", "wal_buffers=512kB",
];

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  if (opts.pglite) {
    const client = takingTurns(opts.pglite);
    return {
      db: drizzlePglite(client, { schema }) as unknown as Db,
      kind: "pglite",
      where: "PGlite (in memory)",
      close: () => client.close(),
    };
  }
  if (opts.url) {
    // A connection attempt that gets no answer (a server starting up or cut off) fails after a while instead
    // of holding its caller, and the pool's shutdown, for ever.
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    // An idle connection cut: the client listener below logs it; the pool drops the client.
    pool.on("error", () => undefined);
    // A connection cut while checked out (a transaction in progress when PostgreSQL restarts or terminates
    // the backend) emits "error" on its client, where the pool no longer listens: without this listener it
    // would be an uncaught exception that ends the process. The statement in progress fails on its own.
    pool.on("connect", (client) => {
      client.on("error", (err) => opts.logger.warn("a PostgreSQL connection was cut; the pool opens a new one", { err }));
    });
    const u = new URL(opts.url);
    return {
      db: drizzlePg(pool, { schema }) as unknown as Db,
      kind: "postgres",
      where: `PostgreSQL ${u.hostname}:${u.port || "5432"}${u.pathname}`,
      close: () => closePool(pool, opts.logger),
    };
  }
  const dataDir = path.resolve(opts.dataDir ?? "./data");
  await mkdir(dataDir, { recursive: true });
  const lock: DataDirLock = await lockDataDir(dataDir, opts.logger);
  let client: PGlite;
  try {
    client = takingTurns(await PGlite.create({ dataDir: path.join(dataDir, "pg"), startParams: PGLITE_START_PARAMS }));
  } catch (err) {
    await lock.release();
    throw err;
  }
  return {
    db: drizzlePglite(client, { schema }) as unknown as Db,
    kind: "pglite",
    where: `PGlite ${path.join(dataDir, "pg")}`,
    close: async () => {
      try {
        await client.close();
      } finally {
        await lock.release();
      }
    },
  };
}

/** How long closing waits for connections still in use before ending them, then before giving up on them. */
const CLOSE_GRACE_MS = 5_000;

/** How long opening a PostgreSQL connection may take. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * End the pool. `pool.end()` waits for every connection the pool holds, in use or still connecting; one
 * left after PostgreSQL cut the connections (seen in test/http/database-restart.test.ts about one run in
 * five, with none in use — most likely a connection still being opened; not reproduced since) would hold the
 * service's shutdown for ever.
 * After a grace period every connection the pool still holds is ended (their statements fail), and after a
 * second one closing returns, saying so.
 */
async function closePool(pool: pg.Pool, logger: Logger): Promise<void> {
  const ended = pool.end();
  const wait = (ms: number) => new Promise<"late">((resolve) => setTimeout(() => resolve("late"), ms).unref());
  if ((await Promise.race([ended, wait(CLOSE_GRACE_MS)])) !== "late") return;
  const held = poolClients(pool);
  logger.warn("closing the database: connections the pool still holds after the grace period are ended", { held: held.length, idle: pool.idleCount });
  for (const client of held) cutConnection(client);
  if ((await Promise.race([ended, wait(CLOSE_GRACE_MS)])) === "late") logger.error("closing the database: the pool did not end; giving up on it");
}

/**
 * Cut one of the pool's connections: its socket is destroyed with an error, so that whatever waits on it
 * (a statement, or the connection's own opening) fails and the pool lets it go. `client.end()` is not
 * enough: on a connection still opening it only asks the server to close it (which a silent server never
 * does), and the caller waiting for the connection then waits for ever.
 */
function cutConnection(client: pg.Client): void {
  const socket = (client as unknown as { connection?: { stream?: { destroy(err?: Error): void } } }).connection?.stream;
  socket?.destroy(new Error("the database is being closed"));
}

/**
 * Every connection the pool holds, those still connecting included. pg-pool counts them in `totalCount`
 * but lists them only in its `_clients` field (the same since pg-pool 2).
 */
function poolClients(pool: pg.Pool): pg.Client[] {
  const list = (pool as unknown as { _clients?: pg.Client[] })._clients;
  return Array.isArray(list) ? list.slice() : [];
}

/** Run raw SQL and return its rows; both drivers answer `{ rows }`. */
export async function queryRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return (result as { rows: T[] }).rows;
}

/** Prepared statements' names by text (bounded: statement texts are few, but a caller could vary them). */
const statementNames = new Map<string, string>();

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    if (statementNames.size >= 1_000) statementNames.clear();
    name = `gopy_${createHash("sha1").update(text).digest("base64url").slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * `queryRows` for hot statements: the statement is built by `compileSql` (drizzle's output, with far less
 * garbage; drizzle builds what it does not handle) and, on PostgreSQL (node-postgres), run as a named
 * prepared statement, parsed and planned once per connection (the name is a hash of its text, so each
 * distinct text gets its own), handed to pg directly: drizzle's prepared-query object (two query configs
 * with their own type parsers, tracing spans, its cache check) was made and dropped for every statement.
 * Same rows, same value parsing as `db.execute` (`DRIZZLE_TYPE_PARSERS`).
 */
export async function queryRowsPrepared<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const inner = db as unknown as { session?: PgSessionLike; dialect?: { sqlToQuery(q: SQL): BuiltQuery } };
  if (!inner.dialect || !inner.session) return queryRows<T>(db, query);
  const built = compileSql(query) ?? inner.dialect.sqlToQuery(query);
  if (is(inner.session, NodePgSession)) {
    const client = (inner.session as unknown as { client: pg.Pool | pg.PoolClient }).client;
    const result = await client.query<T & pg.QueryResultRow>({ name: statementName(built.sql), text: built.sql, values: built.params, types: DRIZZLE_TYPE_PARSERS });
    return result.rows;
  }
  const result = (await inner.session.prepareQuery(built, undefined, undefined, false).execute()) as { rows: T[] };
  return result.rows;
}

/** Types whose text drizzle's node-postgres driver keeps as given (its columns parse them): dates, times, intervals and their arrays. */
const RAW_TYPE_IDS = new Set([1082, 1114, 1184, 1186, 1182, 1115, 1185, 1187, 1231]);

/** pg's type parsers as drizzle's node-postgres driver sets them for `db.execute`. */
const DRIZZLE_TYPE_PARSERS: pg.CustomTypesConfig = {
  getTypeParser: ((typeId: number, format?: "text" | "binary"): ((value: string) => unknown) =>
    RAW_TYPE_IDS.has(typeId) ? (value: string) => value : (pg.types.getTypeParser(typeId, format) as (value: string) => unknown)) as pg.CustomTypesConfig["getTypeParser"],
};

/** What queryRowsPrepared uses of a drizzle session (node-postgres and PGlite alike; `execute()` answers as `db.execute` does). */
interface PgSessionLike {
  prepareQuery(query: BuiltQuery, fields: undefined, name: string | undefined, arrayMode: boolean): { execute(): Promise<unknown> };
}
