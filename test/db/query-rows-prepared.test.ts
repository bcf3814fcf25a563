import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, queryRowsPrepared, type Database } from "../../src/db/client.js";
import { sql } from "../../src/db/sql.js";
import { createTestDatabase, databaseKinds } from "../support/database.js";

describe.each(databaseKinds)("queryRowsPrepared (%s)", (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database.close();
  });

  /** One row of every kind of value gopy's statements read, given as parameters and as literals. */
  const statement = (n: number) => sql`
    select ${n}::int as n, ${"Đồng ý"}::text as label, ${true}::boolean as yes, 12345678901234::bigint as big,
      1.50::numeric as amount, array[1.5, 2]::numeric[] as amounts, '2026-11-20 08:00:00+07'::timestamptz as at,
      array['2026-11-20 08:00:00+07']::timestamptz[] as ats, '2026-11-20 08:00'::timestamp as local_at,
      '2026-11-20'::date as day, '1 day 02:00'::interval as span, '{"a": [1, "x"]}'::jsonb as doc,
      gen_random_uuid() is not null as has_id, null::text as nothing, xmin::text as version
    from (select 1) one, (select xmin from pg_class where relname = 'pg_class') c`;

  it("gives the rows db.execute gives, value for value (dates, times and intervals as drizzle leaves them, as text)", async () => {
    const expected = await queryRows<Record<string, unknown>>(database.db, statement(7));
    const first = await queryRowsPrepared<Record<string, unknown>>(database.db, statement(7));
    const again = await queryRowsPrepared<Record<string, unknown>>(database.db, statement(8));
    expect(first).toEqual(expected);
    expect(again).toEqual([{ ...expected[0], n: 8 }]);
    expect(typeof first[0]!.at).toBe("string");
    expect(first[0]!.doc).toEqual({ a: [1, "x"] });
  });

  it("runs inside a transaction, on the transaction's connection", async () => {
    const seen = await database.db.transaction(async (tx) => {
      await queryRowsPrepared(tx, sql`select set_config('gopy.test', ${"inside"}, true)`);
      return queryRowsPrepared<{ v: string }>(tx, sql`select current_setting('gopy.test') as v`);
    });
    expect(seen).toEqual([{ v: "inside" }]);
  });

  it("fails a statement PostgreSQL refuses, and the next one still runs", async () => {
    const failed = await queryRowsPrepared(database.db, sql`select ${"x"}::int as n`).then(() => null, (err: unknown) => err);
    // PostgreSQL's own error (on PGlite, as the cause of drizzle's "Failed query"), with its SQLSTATE.
    const pgError = ((failed as { cause?: unknown }).cause ?? failed) as { code?: string; message?: string };
    expect(pgError.code).toBe("22P02");
    expect(pgError.message).toMatch(/invalid input syntax/);
    expect(await queryRowsPrepared<{ n: number }>(database.db, sql`select ${2}::int as n`)).toEqual([{ n: 2 }]);
  });
});
