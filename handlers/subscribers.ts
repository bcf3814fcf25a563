import { createHash } from "node:crypto";
import { and, asc, eq, sql, type SQL } from "drizzle-orm";
import { queryRows, queryRowsPrepared, type DbOrTx } from "../src/db/client.js";
import { mapRow } from "../src/db/rows.js";
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
      // No name before consent: until then only the chat id is kept (see the consent notice).
      displayName: null,
      lastInteractionAt: event.at,
    })
    .onConflictDoUpdate({
      target: [subscribers.channel, subscribers.externalId],
      set: {
        lastInteractionAt: sql`greatest(${subscribers.lastInteractionAt}, excluded.last_interaction_at)`,
        displayName: sql`case when ${subscribers.consentAt} is not null then coalesce(${event.displayName ?? null}, ${subscribers.displayName}) else null end`,
        updatedAt: sql`now()`,
      },
    })
    .returning();
  if (!row) throw new Error("subscriber upsert returned nothing");
  return row;
}

/** A person admitted for a turn, with their conversation state and its row version (null: no row yet). */
export interface Admitted {
  /** The raw row, with any extra columns asked for. */
  row: Record<string, unknown>;
  subscriber: SubscriberRow;
  state: ConversationState;
  stateVersion: string | null;
}

/**
 * The first statement of every inbound turn, in one round trip: record the update for de-duplication and,
 * only if it is new, insert or touch the person (same row lock as `upsertSubscriber`: two messages of one
 * person take turns) and read their conversation state. Returns null for a replay (nothing was written).
 * The state is read in the statement's snapshot, which may predate a turn of the same person committed
 * while this one waited for the lock: `saveStateQuery` therefore checks `stateVersion`, and the turn is
 * run again when it changed (see StaleConversation). `extraColumns` adds reads to the same statement (given the
 * person's id as SQL); they share that snapshot, which the same check covers for anything only this person's
 * turns write.
 */
export async function admitEvent(tx: DbOrTx, event: InboundEvent, extraColumns?: (subscriberId: SQL) => SQL): Promise<Admitted | null> {
  const rows = await queryRowsPrepared<Record<string, unknown> & { _state: unknown; _state_version: string | null }>(tx, sql`
    with fresh as (
      insert into inbound_updates (channel, update_key) values (${event.channel}, ${storedUpdateKey(event.updateKey)})
      on conflict do nothing
      returning 1
    ), person as (
      insert into subscribers (channel, external_id, display_name, last_interaction_at)
      select ${event.channel}, ${event.externalId}, null, ${event.at.toISOString()}::timestamptz
      where exists (select 1 from fresh)
      on conflict (channel, external_id) do update
        set last_interaction_at = greatest(subscribers.last_interaction_at, excluded.last_interaction_at),
            -- No name before consent: until then only the chat id is kept (see the consent notice).
            display_name = case when subscribers.consent_at is not null
              then coalesce(${event.displayName ?? null}::text, subscribers.display_name) else null end,
            updated_at = now()
      returning *
    )
    select p.*, c.state as _state, c.xmin::text as _state_version${extraColumns ? sql`, ${extraColumns(sql`p.id`)}` : sql``}
    from person p left join conversations c on c.subscriber_id = p.id`);
  const row = rows[0];
  if (!row) return null;
  const state = (row._state_version === null ? undefined : conversations.state.mapFromDriverValue(row._state)) as ConversationState | undefined;
  return {
    row,
    subscriber: mapRow(subscribers, row),
    state: state && typeof state.step === "string" ? state : { step: "idle" },
    stateVersion: row._state_version,
  };
}

/**
 * The de-duplication key as stored: a hash, since some keys embed the person's platform id (Zalo OA follow
 * events, keys built without a message id) and nothing may remain of someone who declined consent or was erased.
 */
function storedUpdateKey(updateKey: string): string {
  return createHash("sha256").update(updateKey, "utf8").digest("base64url");
}

/** The conversation state changed under a turn (another turn of the same person, or rememberOffered): run it again. */
export class StaleConversation extends Error {
  constructor() {
    super("the conversation state changed while the turn ran");
    this.name = "StaleConversation";
  }
}

/** The conversation state and its row version, read now (a statement of its own, after the person's lock). */
export async function loadStateVersioned(tx: DbOrTx, subscriberId: string): Promise<Pick<Admitted, "state" | "stateVersion">> {
  const [row] = await queryRows<{ state: unknown; v: string }>(tx, sql`select state, xmin::text as v from conversations where subscriber_id = ${subscriberId}`);
  const state = (row ? conversations.state.mapFromDriverValue(row.state) : undefined) as ConversationState | undefined;
  return { state: state && typeof state.step === "string" ? state : { step: "idle" }, stateVersion: row?.v ?? null };
}

export async function loadState(tx: DbOrTx, subscriberId: string): Promise<ConversationState> {
  const [row] = await queryRows<{ state: unknown }>(tx, sql`select state from conversations where subscriber_id = ${subscriberId}`);
  const state = (row ? conversations.state.mapFromDriverValue(row.state) : undefined) as ConversationState | undefined;
  return state && typeof state.step === "string" ? state : { step: "idle" };
}

/**
 * The conversation-state upsert as a statement returning one row when saved, to be combined with the turn's
 * other writes (one round trip). It saves only over the version the turn read (`Admitted.stateVersion`; null:
 * there was no row): no row returned means the state changed meanwhile, and the turn must be run again.
 */
export function saveStateQuery(subscriberId: string, state: ConversationState, version: string | null): SQL {
  return sql`insert into conversations (subscriber_id, state) values (${subscriberId}, ${JSON.stringify(state)}::jsonb)
    on conflict (subscriber_id) do update set state = excluded.state, updated_at = now()
    where conversations.xmin::text = ${version}
    returning 1`;
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
