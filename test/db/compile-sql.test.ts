import fc from "fast-check";
import { eq, param, sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { compileSql } from "../../src/db/compile-sql.js";
import { subscribers } from "../../src/db/schema/index.js";
import { enqueueQuery } from "../../src/delivery/outbox.js";
import { saveStateQuery } from "../../src/domain/residents/conversation.js";
import { admitWrites } from "../../src/domain/residents/subscribers.js";

const dialect = new PgDialect();
const drizzles = (q: SQL) => {
  const { sql: text, params } = dialect.sqlToQuery(q);
  return { sql: text, params };
};

/** Random statements made of what gopy's templates contain: text, values, nesting, joins, lists, identifiers, raw text. */
const value = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null), fc.date({ noInvalidDate: true }), fc.dictionary(fc.string(), fc.string(), { noNullPrototype: true }));
const statement: fc.Arbitrary<SQL> = fc.letrec<{ q: SQL }>((tie) => ({
  q: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.string().map((s) => sql.raw(s)),
    fc.tuple(fc.string(), value, fc.string()).map(([a, v, b]) => sql`${sql.raw(a)}${v}${sql.raw(b)}`),
    fc.tuple(fc.string(), tie("q"), tie("q")).map(([a, x, y]) => sql`${sql.raw(a)} (${x}) and ${y}`),
    fc.array(tie("q"), { maxLength: 4 }).map((parts) => sql`with ${sql.join(parts, sql`, `)} select 1`),
    fc.array(value, { maxLength: 4 }).map((list) => sql`x in ${list}`),
    fc.string({ minLength: 1 }).map((n) => sql`select ${sql.identifier(n)}`),
    fc.tuple(value, fc.constant(undefined)).map(([v, u]) => sql`a = ${v}${u}`),
  ),
})).q;

describe("compileSql", () => {
  it("builds what drizzle builds, text and parameters, for any statement made of the supported parts", () => {
    fc.assert(
      fc.property(statement, (q) => {
        expect(compileSql(q)).toEqual(drizzles(q));
      }),
      { numRuns: 500 },
    );
  });

  it("builds the inbound turn's statements as drizzle does", () => {
    const event = { type: "action", channel: "telegram", externalId: "42", updateKey: "tg:1", at: new Date("2026-11-28T01:02:03Z"), action: "x", displayName: "Dân" } as const;
    const { fresh, touch } = admitWrites(event, "sub-1");
    const outbox = enqueueQuery([{ subscriberId: "sub-1", channel: "telegram", kind: "reply", message: { text: "Đã ghi nhận" }, priority: 0 }]);
    const turn = sql`with fresh as (${fresh}), touch as (${touch}), outbox as (${outbox}), saved as (${saveStateQuery("sub-1", { step: "idle" }, "123")}) select 1`;
    for (const q of [fresh, touch, outbox, turn]) expect(compileSql(q)).toEqual(drizzles(q));
  });

  it("maps a value bound to a column through the column's encoder, as drizzle does", () => {
    const at = new Date("2026-11-28T00:00:00Z");
    const q = sql`update subscribers set last_interaction_at = ${param(at, subscribers.lastInteractionAt)}`;
    expect(compileSql(q)).toEqual(drizzles(q));
  });

  it("leaves to drizzle what it does not build itself: a column or table object, inlined parameters", () => {
    expect(compileSql(sql`select 1 where ${eq(subscribers.id, "a")}`)).toBeNull();
    expect(compileSql(sql`select * from ${subscribers}`)).toBeNull();
    expect(compileSql(sql`select ${"x"}`.inlineParams())).toBeNull();
  });
});
