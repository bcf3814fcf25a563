import { Name, Param, Placeholder, SQL, StringChunk } from "drizzle-orm";

/** A statement's text and parameters, as drizzle's `dialect.sqlToQuery` gives them. */
export interface BuiltQuery {
  sql: string;
  params: unknown[];
}

/**
 * Objects drizzle binds as a parameter's value — plain objects, dates, buffers — rather than entities of its
 * own (tables, columns, subqueries…). Arrays, templates and parameters are handled apart.
 */
export function isValueObject(value: object): boolean {
  const kind = value.constructor;
  return kind === Object || kind === Date || kind === Buffer;
}

/** A chunk this compiler leaves to drizzle (tables, columns, placeholders, inlined parameters…). */
const UNSUPPORTED = Symbol("unsupported");

/**
 * drizzle's `sqlToQuery` for the statements gopy writes as `sql` templates, in one pass without the
 * intermediate objects drizzle makes per chunk (a config copy per nested template, a `{ sql, params }` per
 * chunk, merged afterwards): on the inbound path those were ~40 % of what a button press allocated. Handles
 * text, nested templates, `sql.join`, arrays, `sql.identifier` names and values (plain or bound to a
 * column's encoder); returns null for anything else (a table or column object, a placeholder, inlined
 * parameters), which the caller then builds with drizzle. The output is drizzle's, character for character
 * (test/db/compile-sql.test.ts compares them).
 */
export function compileSql(query: SQL): BuiltQuery | null {
  const params: unknown[] = [];
  const text = compile(query, params);
  return text === UNSUPPORTED ? null : { sql: text, params };
}

function compile(query: SQL, params: unknown[]): string | typeof UNSUPPORTED {
  if ((query as unknown as { shouldInlineParams: boolean }).shouldInlineParams) return UNSUPPORTED;
  let out = "";
  for (const chunk of query.queryChunks as unknown[]) {
    const part = chunkText(chunk, params);
    if (part === UNSUPPORTED) return UNSUPPORTED;
    out += part;
  }
  return out;
}

function chunkText(chunk: unknown, params: unknown[]): string | typeof UNSUPPORTED {
  if (chunk === undefined) return "";
  if (chunk === null || typeof chunk !== "object") return value(chunk, params);
  const kind = chunk.constructor;
  if (kind === StringChunk) {
    const v = (chunk as StringChunk).value;
    return v.length === 1 ? v[0]! : v.join("");
  }
  if (kind === SQL) return compile(chunk as SQL, params);
  if (kind === Param) {
    const p = chunk as Param;
    if (p.value instanceof Placeholder) return UNSUPPORTED;
    const mapped: unknown = p.value === null ? null : p.encoder.mapToDriverValue(p.value);
    if (mapped instanceof SQL) return UNSUPPORTED;
    return value(mapped, params);
  }
  if (kind === Name) return `"${(chunk as Name).value.replace(/"/g, '""')}"`;
  if (Array.isArray(chunk)) {
    let out = "(";
    for (let i = 0; i < chunk.length; i++) {
      const part = chunkText(chunk[i], params);
      if (part === UNSUPPORTED) return UNSUPPORTED;
      out += i ? ", " + part : part;
    }
    return out + ")";
  }
  // Plain objects and dates are parameters, as in drizzle; every other drizzle entity is left to drizzle.
  if (isValueObject(chunk)) return value(chunk, params);
  return UNSUPPORTED;
}

function value(v: unknown, params: unknown[]): string {
  params.push(v);
  return `$${params.length}`;
}
