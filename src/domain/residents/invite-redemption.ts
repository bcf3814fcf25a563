import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/client.js";
import { adminUnits, inviteGuesses, invites, officers, type SubscriptionRole } from "../../db/schema/index.js";
import { setStatus, type SubscriberRow } from "./subscribers.js";
import { addSubscription } from "./subscriptions.js";

export type InviteRow = typeof invites.$inferSelect;

/** Why an invite cannot be used: unknown code, used by this person, used by someone else, expired. */
export type InviteRefusal = "unknown" | "alreadyJoined" | "used" | "expired";

/** A redeemed invite: the role given, how many communes, and their names (none listed for an officer). */
export type Redemption = { ok: false; refusal: InviteRefusal } | { ok: true; role: SubscriptionRole; unitCount: number; unitNames: string[] };

export async function findInvite(tx: DbOrTx, code: string): Promise<InviteRow | null> {
  const [inv] = await tx.select().from(invites).where(eq(invites.code, code));
  return inv ?? null;
}

/** The window of the per-person limit on wrong invite codes. */
const GUESS_WINDOW = "1 hour";

/** Whether the person may try another invite code: fewer than `limit` wrong codes in the last hour. */
export async function mayGuessInvite(tx: DbOrTx, subscriberId: string, limit: number): Promise<boolean> {
  const [r] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(inviteGuesses)
    .where(and(eq(inviteGuesses.subscriberId, subscriberId), sql`${inviteGuesses.at} > now() - ${GUESS_WINDOW}::interval`));
  return (r?.n ?? 0) < limit;
}

/** Remember a wrong invite code tried by the person (the code itself is not kept). */
export async function recordWrongInviteGuess(tx: DbOrTx, subscriberId: string): Promise<void> {
  await tx.insert(inviteGuesses).values({ subscriberId });
}

/** Whether an invite can still be used by this person at `now` (null: expiry not checked), and if not why. */
export function inviteRefusal(inv: InviteRow | null, subscriberId: string, now: Date | null): InviteRefusal | null {
  if (!inv) return "unknown";
  if (inv.usedAt) return inv.usedBy === subscriberId ? "alreadyJoined" : "used";
  if (now && inv.expiresAt && inv.expiresAt <= now) return "expired";
  return null;
}

/**
 * Mark the invite used (atomically, if still usable) and give the person its role: active status, the
 * invite's communes with that role, and an officer record for an officer's invite.
 */
export async function redeemInvite(tx: DbOrTx, subscriber: Pick<SubscriberRow, "id" | "status">, code: string, officerName: string): Promise<Redemption> {
  const [inv] = await tx
    .update(invites)
    .set({ usedBy: subscriber.id, usedAt: sql`now()` })
    .where(and(eq(invites.code, code), isNull(invites.usedAt), sql`(${invites.expiresAt} is null or ${invites.expiresAt} > now())`))
    .returning();
  if (!inv) {
    // Not usable any more: unknown, used, or else expired (the database's clock decided).
    return { ok: false, refusal: inviteRefusal(await findInvite(tx, code), subscriber.id, null) ?? "expired" };
  }
  if (subscriber.status !== "active") await setStatus(tx, subscriber.id, "active");
  for (const unitCode of inv.unitCodes) await addSubscription(tx, subscriber.id, unitCode, inv.role);
  if (inv.role === "officer") {
    await tx.insert(officers).values({ agencyId: inv.agencyId, name: officerName, subscriberId: subscriber.id });
    return { ok: true, role: inv.role, unitCount: inv.unitCodes.length, unitNames: [] };
  }
  const units = inv.unitCodes.length ? await tx.select({ name: adminUnits.name }).from(adminUnits).where(inArray(adminUnits.code, inv.unitCodes)) : [];
  return { ok: true, role: inv.role, unitCount: inv.unitCodes.length, unitNames: units.map((u) => u.name) };
}
