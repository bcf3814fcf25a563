import { createHash } from "node:crypto";

/**
 * What of a failed database statement may reach a log line: PostgreSQL's error code and the names of
 * the constraint, table and column it names, and a tag for the statement ("insert agencies #1a2b3c4d":
 * verb, first table, hash of the SQL text). Never the statement's parameters, nor PostgreSQL's message or
 * detail, which repeat values ("Key (name)=(…) already exists", "invalid input syntax for type uuid: …").
 */
export interface DatabaseErrorSummary {
  name: "DatabaseError";
  code: string | undefined;
  statement: string | undefined;
  constraint?: string;
  table?: string;
  column?: string;
}

interface PgLikeError {
  code?: unknown;
  severity?: unknown;
  constraint?: unknown;
  table?: unknown;
  column?: unknown;
}

/** A tag naming a SQL statement without its values: verb, first table, and a hash of the text. */
export function statementTag(query: string): string {
  const q = query.trim().toLowerCase();
  const verb = /^(select|insert|update|delete|with|create|alter|drop|truncate|lock|set|begin|commit|rollback)\b/.exec(q)?.[1] ?? "sql";
  const table =
    /^insert\s+into\s+"?([a-z_][a-z0-9_]*)"?/.exec(q)?.[1] ??
    /^update\s+"?([a-z_][a-z0-9_]*)"?/.exec(q)?.[1] ??
    /^delete\s+from\s+"?([a-z_][a-z0-9_]*)"?/.exec(q)?.[1] ??
    /\bfrom\s+"?([a-z_][a-z0-9_]*)"?/.exec(q)?.[1];
  const hash = createHash("sha1").update(query).digest("hex").slice(0, 8);
  return `${verb}${table ? " " + table : ""} #${hash}`;
}

const isPgError = (e: unknown): e is PgLikeError & Error =>
  typeof e === "object" && e !== null && typeof (e as PgLikeError).code === "string" && /^[0-9A-Z]{5}$/.test((e as { code: string }).code) && "severity" in e;

/** Whether this error came from a database statement (Drizzle's wrapper or the driver's own error). */
export function isDatabaseError(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const e = err as { query?: unknown; params?: unknown; cause?: unknown };
  return (typeof e.query === "string" && "params" in e) || isPgError(err) || isPgError(e.cause);
}

/** The loggable summary of a database error (see above). */
export function summarizeDatabaseError(err: unknown): DatabaseErrorSummary {
  const e = err as { query?: unknown; cause?: unknown };
  const pgErr = isPgError(err) ? err : isPgError(e.cause) ? e.cause : undefined;
  const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);
  const summary: DatabaseErrorSummary = {
    name: "DatabaseError",
    code: str(pgErr?.code),
    statement: typeof e.query === "string" ? statementTag(e.query) : undefined,
  };
  const constraint = str(pgErr?.constraint);
  const table = str(pgErr?.table);
  const column = str(pgErr?.column);
  if (constraint) summary.constraint = constraint;
  if (table) summary.table = table;
  if (column) summary.column = column;
  return summary;
}
