import { and, asc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../src/db/client.js";
import { adminUnits, conversations, deliveries, subscribers, subscriptions, type SubscriptionRole } from "../src/db/schema/index.js";
import type { InboundEvent } from "../src/channels/adapter.js";
import type { ConversationState, SubscriberRow } from "./types.js";

/**
 * Insert or touch the person (channel, external id) and lock their row for the rest of the transaction:
 * the ON CONFLICT DO UPDATE takes the row lock, so two instances handling two messages of the same person
 * take turns.
 */
export async function upsertSubscriber(tx: DbOrTx, event: InboundEvent): Promise<SubscriberRow> {
  const [row] = await tx
    .insert(subscribers)
    .values({
      channel: event.channel,
      externalId: event.externalId,
      displayName: event.displayName ?? null,
      lastInteractionAt: event.at,
    })
    .onConflictDoUpdate({
      target: [subscribers.channel, subscribers.externalId],
      set: { lastInteractionAt: sql`greatest(${subscribers.lastInteractionAt}, excluded.last_interaction_at)`, updatedAt: sql`now()` },
    })
    .returning();
  if (!row) throw new Error("subscriber upsert returned nothing");
  return row;
}

export async function loadState(tx: DbOrTx, subscriberId: string): Promise<ConversationState> {
  const [row] = await tx.select({ state: conversations.state }).from(conversations).where(eq(conversations.subscriberId, subscriberId));
  const state = row?.state as ConversationState | undefined;
  return state && typeof state.step === "string" ? state : { step: "idle" };
}

export async function saveState(tx: DbOrTx, subscriberId: string, state: ConversationState): Promise<void> {
  await tx
    .insert(conversations)
    .values({ subscriberId, state })
    .onConflictDoUpdate({ target: conversations.subscriberId, set: { state, updatedAt: sql`now()` } });
}

export async function setStatus(tx: DbOrTx, subscriberId: string, status: SubscriberRow["status"], consent = false): Promise<void> {
  await tx
    .update(subscribers)
    .set({ status, updatedAt: sql`now()`, ...(consent ? { consentAt: sql`coalesce(${subscribers.consentAt}, now())` } : {}) })
    .where(eq(subscribers.id, subscriberId));
}

/** Delete the person and, by cascade, their conversation, subscriptions and queued messages. */
export async function eraseSubscriber(tx: DbOrTx, subscriberId: string): Promise<void> {
  await tx.delete(subscribers).where(eq(subscribers.id, subscriberId));
}

/**
 * Messages still queued for a person who said STOP are not sent: they are marked failed("stopped").
 * (Messages already being sent at this instant cannot be recalled.)
 */
export async function cancelQueued(tx: DbOrTx, subscriberId: string): Promise<number> {
  const rows = await tx
    .update(deliveries)
    .set({ state: "failed", errorKind: "stopped", errorDetail: "the subscriber said stop" })
    .where(and(eq(deliveries.subscriberId, subscriberId), eq(deliveries.state, "queued")))
    .returning({ id: deliveries.id });
  return rows.length;
}

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
