import { createHash } from "node:crypto";
import { and, eq, type SQL } from "drizzle-orm";
import { sql } from "../../db/sql.js";
import { queryRowsPrepared, type DbOrTx } from "../../db/client.js";
import { mapRow } from "../../db/rows.js";
import { deliveries, subscribers } from "../../db/schema/index.js";
import type { InboundEvent } from "../../channels/adapter.js";
import { storedState, type ConversationState } from "./conversation.js";

export type SubscriberRow = typeof subscribers.$inferSelect;

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
 * only if it is new, insert or touch the person (the ON CONFLICT DO UPDATE takes the person's row lock: two
 * messages of one person take turns) and read their conversation state. Returns null for a replay (nothing was written).
 * The state is read in the statement's snapshot, which may predate a turn of the same person committed
 * while this one waited for the lock: `saveStateQuery` therefore checks `stateVersion`, and the turn is
 * run again when it changed (see StaleConversation). `extraColumns` adds reads to the same statement (given the
 * person's id as SQL); they share that snapshot, which the same check covers for anything only this person's
 * turns write.
 */
export async function admitEvent(tx: DbOrTx, event: InboundEvent, extraColumns?: (subscriberId: SQL) => SQL): Promise<Admitted | null> {
  const rows = await queryRowsPrepared<Record<string, unknown> & { _state: unknown; _state_version: string | null }>(tx, sql`
    with fresh as (${freshUpdate(event)}), person as (
      insert into subscribers (channel, external_id, display_name, last_interaction_at)
      select ${event.channel}, ${event.externalId}, null, ${event.at.toISOString()}::timestamptz
      where exists (select 1 from fresh)
      on conflict (channel, external_id) do update set ${touchedColumns(event)}
      returning *
    )
    select p.*, c.state as _state, c.xmin::text as _state_version${extraColumns ? sql`, ${extraColumns(sql`p.id`)}` : sql``}
    from person p left join conversations c on c.subscriber_id = p.id`);
  const row = rows[0];
  return row ? admittedOf(row) : null;
}

/** A person's row as a turn takes it (with `_state` and `_state_version`, read beside the person): who, and where their conversation stands. */
function admittedOf(row: Record<string, unknown> & { _state: unknown; _state_version: string | null }): Admitted {
  return { row, subscriber: mapRow(subscribers, row), state: storedState(row._state, row._state_version !== null), stateVersion: row._state_version };
}

/**
 * The first statement of turns taken without a transaction (button presses on a known question, see
 * turns.ts and turn-reads.ts): a read only, in one round trip for all the `events` given (one channel) — each
 * person (who must exist already), their conversation and its version, whether the update was seen before,
 * and the extra columns (the same for every event). Answers in the order of `events`: "unknown" when the
 * person has no row yet (the turn then runs in a transaction, which creates it), "replay" for an update seen
 * before.
 */
export async function lookupForTurns(
  db: DbOrTx,
  channel: InboundEvent["channel"],
  events: readonly Pick<InboundEvent, "externalId" | "updateKey">[],
  extraColumns?: (subscriberId: SQL) => SQL,
): Promise<(Admitted | "unknown" | "replay")[]> {
  // The events as one jsonb parameter (the statement's text, and so its prepared name, whatever their number).
  const keys = JSON.stringify(events.map((e) => [e.externalId, storedUpdateKey(e.updateKey)]));
  // Each event is looked up by its keys, one index probe each, whatever the planner believes of the tables:
  // OFFSET 0 keeps the lateral lookup and the EXISTS from being planned as joins or hashed subplans, which on
  // stale statistics (a table just filled) hashed every subscriber of the channel, or every update recorded,
  // at each call — 6.7 ms for a statement of ~19 presses where the probes take a fraction of that.
  const rows = await queryRowsPrepared<Record<string, unknown> & { _i: number; _state: unknown; _state_version: string | null; _seen: boolean }>(db, sql`
    select k.i::int as _i, p.*,
      exists (select 1 from inbound_updates u where u.channel = ${channel} and u.update_key = k.e->>1 offset 0) as _seen
      ${extraColumns ? sql`, ${extraColumns(sql`p.id`)}` : sql``}
    from jsonb_array_elements(${keys}::jsonb) with ordinality as k(e, i)
    cross join lateral (
      select s.*, c.state as _state, c.xmin::text as _state_version
      from subscribers s left join conversations c on c.subscriber_id = s.id
      where s.channel = ${channel} and s.external_id = k.e->>0
      offset 0
    ) p`);
  const answers: (Admitted | "unknown" | "replay")[] = events.map(() => "unknown");
  for (const row of rows) {
    answers[row._i - 1] = row._seen ? "replay" : admittedOf(row);
  }
  return answers;
}

/**
 * The writes `admitEvent` makes, as parts of a turn's single statement (turns.ts): the update recorded for
 * de-duplication (`fresh`, one row when new) and the person touched (last interaction, name after consent).
 * With `expected` (a turn taken from memory), the person is touched only if their status, consent and
 * language are still what the turn assumed (`touch` then returns no row).
 */
export function admitWrites(event: InboundEvent, subscriberId: string, expected?: Pick<SubscriberRow, "status" | "consentAt" | "locale">): { fresh: SQL; touch: SQL } {
  const unchanged = expected
    ? sql` and status = ${expected.status} and (consent_at is not null) = ${expected.consentAt !== null} and locale = ${expected.locale}`
    : sql``;
  return {
    fresh: freshUpdate(event),
    touch: sql`update subscribers set ${touchedColumns(event)} where id = ${subscriberId}${unchanged} returning 1`,
  };
}

/** The update recorded for de-duplication: one row returned when it is new, none for a replay. */
function freshUpdate(event: InboundEvent): SQL {
  return sql`insert into inbound_updates (channel, update_key) values (${event.channel}, ${storedUpdateKey(event.updateKey)})
    on conflict do nothing returning 1`;
}

/** What an inbound event changes on its person's row (the SET list of an insert's conflict update or of an update). */
function touchedColumns(event: InboundEvent): SQL {
  return sql`last_interaction_at = greatest(subscribers.last_interaction_at, ${event.at.toISOString()}::timestamptz),
    -- No name before consent: until then only the chat id is kept (see the consent notice).
    display_name = case when subscribers.consent_at is not null
      then coalesce(${event.displayName ?? null}::text, subscribers.display_name) else null end,
    updated_at = now()`;
}

/**
 * The de-duplication key as stored: a hash, since some keys embed the person's platform id (Zalo OA follow
 * events, keys built without a message id) and nothing may remain of someone who declined consent or was erased.
 */
function storedUpdateKey(updateKey: string): string {
  return createHash("sha256").update(updateKey, "utf8").digest("base64url");
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
