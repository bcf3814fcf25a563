import fc from "fast-check";
import { eq, param, SQL, sql as drizzleSql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { sql } from "../../src/db/sql.js";
import { subscribers } from "../../src/db/schema/index.js";

const dialect = new PgDialect();
const built = (q: SQL) => {
  const { sql: text, params } = dialect.sqlToQuery(q);
  return { sql: text, params };
};

/** A tagged template's strings, as the language passes them (one frozen array per call site, with `raw`). */
function site(strings: string[]): TemplateStringsArray {
  return Object.freeze(Object.assign([...strings], { raw: [...strings] }));
}

const value = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.date({ noInvalidDate: true }), fc.array(fc.integer(), { maxLength: 3 }));

describe("sql (gopy's tag)", () => {
  it("makes the same chunks as drizzle's tag, hence the same statement, for any template and values", () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 6 }).chain((strings) =>
        fc.tuple(fc.constant(strings), fc.array(value, { minLength: strings.length - 1, maxLength: strings.length - 1 }))), ([strings, values]) => {
        const s = site(strings);
        const ours = sql(s, ...values);
        const theirs = drizzleSql(s, ...values);
        expect(ours).toBeInstanceOf(SQL);
        expect(ours.queryChunks).toEqual(theirs.queryChunks);
        expect(built(ours)).toEqual(built(theirs));
      }),
      { numRuns: 300 },
    );
  });

  it("keeps each use of one call site apart: the second use's values do not reach the first", () => {
    const byId = (id: string, n: number) => sql`select * from subscribers where id = ${id} limit ${n}`;
    const first = byId("a", 1);
    const second = byId("b", 2);
    second.append(sql` for update`);
    expect(built(first)).toEqual({ sql: "select * from subscribers where id = $1 limit $2", params: ["a", 1] });
    expect(built(second)).toEqual({ sql: "select * from subscribers where id = $1 limit $2 for update", params: ["b", 2] });
  });

  it("nests, joins and takes bound parameters as drizzle does", () => {
    const at = new Date("2026-11-29T00:00:00Z");
    const inner = (x: number) => sql`x = ${x}`;
    const ours = sql`with a as (${sql.join([inner(1), inner(2)], sql` and `)}) update subscribers set last_interaction_at = ${param(at, subscribers.lastInteractionAt)} where ${sql.raw("true")}`;
    const theirs = drizzleSql`with a as (${drizzleSql.join([drizzleSql`x = ${1}`, drizzleSql`x = ${2}`], drizzleSql` and `)}) update subscribers set last_interaction_at = ${param(at, subscribers.lastInteractionAt)} where ${drizzleSql.raw("true")}`;
    expect(built(ours)).toEqual(built(theirs));
  });

  it("leaves templates holding a table or a column to drizzle's tag, which lists the tables a query uses", () => {
    const q = sql`select 1 from ${subscribers} where ${eq(subscribers.id, "a")}`;
    expect(built(q)).toEqual(built(drizzleSql`select 1 from ${subscribers} where ${eq(subscribers.id, "a")}`));
    expect((q as unknown as { usedTables: string[] }).usedTables).toEqual(["subscribers"]);
  });
});
