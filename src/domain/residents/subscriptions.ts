import { and, asc, eq } from "drizzle-orm";
import type { DbOrTx } from "../../db/client.js";
import { adminUnits, subscriptions, type SubscriptionRole } from "../../db/schema/index.js";

/** The communes a person follows, and in which role. */
export interface SubscriptionView {
  unitCode: string;
  unitName: string;
  role: SubscriptionRole;
}

export async function listSubscriptions(tx: DbOrTx, subscriberId: string): Promise<SubscriptionView[]> {
  return tx
    .select({ unitCode: subscriptions.unitCode, unitName: adminUnits.name, role: subscriptions.role })
    .from(subscriptions)
    .innerJoin(adminUnits, eq(adminUnits.code, subscriptions.unitCode))
    .where(eq(subscriptions.subscriberId, subscriberId))
    .orderBy(asc(subscriptions.createdAt), asc(adminUnits.name));
}

/** Returns whether a new subscription was created. */
export async function addSubscription(tx: DbOrTx, subscriberId: string, unitCode: string, role: SubscriptionRole = "resident"): Promise<boolean> {
  const rows = await tx.insert(subscriptions).values({ subscriberId, unitCode, role }).onConflictDoNothing().returning({ u: subscriptions.unitCode });
  return rows.length > 0;
}

export async function removeSubscription(tx: DbOrTx, subscriberId: string, unitCode: string): Promise<boolean> {
  const rows = await tx
    .delete(subscriptions)
    .where(and(eq(subscriptions.subscriberId, subscriberId), eq(subscriptions.unitCode, unitCode), eq(subscriptions.role, "resident")))
    .returning({ u: subscriptions.unitCode });
  return rows.length > 0;
}

export async function unitByCode(tx: DbOrTx, code: string) {
  const [u] = await tx.select().from(adminUnits).where(eq(adminUnits.code, code));
  return u ?? null;
}
