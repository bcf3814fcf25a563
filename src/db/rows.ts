import { getTableColumns, type InferSelectModel } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";

/**
 * Map a raw row (snake_case column names, driver values) of `table`, as returned by a hand-written
 * statement (`returning *`, `select t.*`), to the table's select model, exactly as a Drizzle select would
 * (timestamps → Date, jsonb parsed…). Used on hot paths where one CTE statement replaces several builders.
 */
export function mapRow<T extends PgTable>(table: T, raw: Record<string, unknown>): InferSelectModel<T> {
  const out: Record<string, unknown> = {};
  const columns = getTableColumns(table);
  for (const key of Object.keys(columns)) {
    const col = columns[key]!;
    const v = raw[col.name];
    out[key] = v === null || v === undefined ? null : col.mapFromDriverValue(v);
  }
  return out as InferSelectModel<T>;
}
