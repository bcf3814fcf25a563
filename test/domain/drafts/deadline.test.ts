import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, type Database } from "../../../src/db/client.js";
import { effectiveDeadline, effectiveDeadlineSql, pastDeadline } from "../../../src/domain/drafts/deadline.js";
import { createTestDatabase, databaseKinds } from "../../support/database.js";

const closes = new Date("2026-06-30T10:00:00Z");
const early = new Date("2026-06-20T10:00:00Z");
const later = new Date("2026-07-05T10:00:00Z");

const table = [
  { name: "an open draft counts until the end of its period", closedAt: null, status: "open", deadline: closes },
  { name: "a draft closed early counts until it closed", closedAt: early, status: "closed", deadline: early },
  { name: "a draft closed after its period counts until the period's end", closedAt: later, status: "closed", deadline: closes },
];

describe("effective deadline: the end of the period or an earlier close", () => {
  it.each(table)("$name", ({ closedAt, status, deadline }) => {
    expect(effectiveDeadline({ commentClosesAt: closes, closedAt })).toEqual(deadline);
    expect(pastDeadline({ commentClosesAt: closes, closedAt, status }, new Date(deadline.getTime() - 1))).toBe(status === "closed");
    expect(pastDeadline({ commentClosesAt: closes, closedAt, status }, deadline)).toBe(true);
  });

  describe.each(databaseKinds)("in SQL on %s", (kind) => {
    let database: Database;
    beforeAll(async () => {
      database = await createTestDatabase(kind);
    });
    afterAll(() => database?.close());

    it.each(table)("$name", async ({ closedAt, deadline }) => {
      const [r] = await queryRows<{ deadline: string | Date }>(database.db, sql`
        select ${effectiveDeadlineSql("d")} as deadline
        from (select ${closes.toISOString()}::timestamptz as comment_closes_at, ${closedAt?.toISOString() ?? null}::timestamptz as closed_at) d`);
      expect(new Date(r!.deadline)).toEqual(deadline);
    });
  });
});
