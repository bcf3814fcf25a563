import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows } from "../../src/db/client.js";
import { subscribers, subscriptions, type SubscriptionRole } from "../../src/db/schema/index.js";
import { countedCommuneSql } from "../../src/domain/counted-commune.js";
import { databaseKinds } from "../support/database.js";
import { createOpenDraft } from "../support/conversation-fixtures.js";
import { DONG_KINH, LUONG_VAN_TRI, TAM_THANH } from "../support/feedback-seed.js";
import { useTestDatabase } from "../support/lifecycle.js";

/** A subscription: the commune, the role, and how many minutes after the first it was made. */
type Sub = [unit: string, role: SubscriptionRole, minute: number];

const cases: { name: string; targets: string[] | "all"; subs: Sub[]; counted: string | null }[] = [
  { name: "no resident subscription: no commune", targets: [DONG_KINH], subs: [[DONG_KINH, "propagandist", 0]], counted: null },
  { name: "the only commune, outside the targets", targets: [DONG_KINH], subs: [[TAM_THANH, "resident", 0]], counted: TAM_THANH },
  { name: "a targeted commune before an earlier one outside", targets: [LUONG_VAN_TRI], subs: [[TAM_THANH, "resident", 0], [LUONG_VAN_TRI, "resident", 5]], counted: LUONG_VAN_TRI },
  { name: "two targeted communes: the earliest subscribed", targets: [DONG_KINH, LUONG_VAN_TRI], subs: [[LUONG_VAN_TRI, "resident", 0], [DONG_KINH, "resident", 5]], counted: LUONG_VAN_TRI },
  { name: "a draft for every commune: the earliest subscribed", targets: "all", subs: [[TAM_THANH, "resident", 0], [DONG_KINH, "resident", 5]], counted: TAM_THANH },
  { name: "none targeted: the earliest subscribed", targets: [DONG_KINH], subs: [[TAM_THANH, "resident", 0], [LUONG_VAN_TRI, "resident", 5]], counted: TAM_THANH },
  { name: "subscribed together: the lowest unit code", targets: [DONG_KINH, LUONG_VAN_TRI], subs: [[LUONG_VAN_TRI, "resident", 0], [DONG_KINH, "resident", 0]], counted: DONG_KINH },
  { name: "a propagandist's commune does not count", targets: [DONG_KINH], subs: [[DONG_KINH, "propagandist", 0], [TAM_THANH, "resident", 5]], counted: TAM_THANH },
];

describe.each(databaseKinds)("the commune an answer counts for, on %s", (kind) => {
  const database = useTestDatabase(kind);
  let n = 0;

  it.each(cases)("$name", async ({ targets, subs, counted }) => {
    const db = database.db;
    const { draftId } = await createOpenDraft(db, targets === "all" ? {} : { units: targets });
    const [s] = await db.insert(subscribers).values({ channel: "sim", externalId: `cc-${++n}`, status: "active" }).returning();
    const first = new Date("2026-03-01T08:00:00Z").getTime();
    if (subs.length) {
      await db.insert(subscriptions).values(subs.map(([unitCode, role, minute]) => ({ subscriberId: s!.id, unitCode, role, createdAt: new Date(first + minute * 60_000) })));
    }
    const [row] = await queryRows<{ unit: string | null }>(db, sql`select ${countedCommuneSql(s!.id, draftId)} as unit`);
    expect(row!.unit).toBe(counted);
  });
});
