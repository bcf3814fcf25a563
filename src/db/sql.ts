import { Param, SQL, StringChunk, sql as drizzleSql, type SQLChunk } from "drizzle-orm";
import { isValueObject } from "./compile-sql.js";

/** The text chunks of each template call site (a tagged template's strings are one object per call site). */
const chunksBySite = new WeakMap<TemplateStringsArray, StringChunk[]>();

/** Values drizzle's own tag must take: a table, a column, a subquery… (anything that is not a value, a template or a parameter). */
function needsDrizzle(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  const kind = value.constructor;
  return kind !== SQL && kind !== Param && !Array.isArray(value) && !isValueObject(value);
}

function template(strings: TemplateStringsArray, ...params: SQLChunk[]): SQL {
  for (const p of params) if (needsDrizzle(p)) return drizzleSql(strings, ...params);
  let text = chunksBySite.get(strings);
  if (text === undefined) {
    text = strings.map((s) => new StringChunk(s));
    chunksBySite.set(strings, text);
  }
  const chunks: unknown[] = [];
  // The same chunks, in the same order, as drizzle's tag makes.
  if (params.length > 0 || strings[0] !== "") chunks.push(text[0]);
  for (let i = 0; i < params.length; i++) chunks.push(params[i], text[i + 1]);
  const query = new SQL([]);
  (query as { queryChunks: unknown[] }).queryChunks = chunks;
  return query;
}

/**
 * drizzle's `sql` tag for the statements of the inbound path (a button press builds a few dozen templates):
 * the same SQL object, chunk for chunk, made with less garbage — each call site's text chunks are made once
 * and kept, and no per-chunk entity check runs (drizzle's checks each chunk for a table, to list the tables
 * a query uses for its query cache, which gopy does not use). A template given a table, a column or any
 * other drizzle entity is made by drizzle's own tag. `sql.join`, `sql.raw` and the rest are drizzle's.
 * test/db/sql.test.ts compares both tags' output.
 */
export const sql: typeof drizzleSql = Object.assign(template as typeof drizzleSql, drizzleSql);
