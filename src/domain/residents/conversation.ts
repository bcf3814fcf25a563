import type { SQL } from "drizzle-orm";
import { sql } from "../../db/sql.js";
import { queryRows, type DbOrTx } from "../../db/client.js";
import { conversations } from "../../db/schema/index.js";

/** What waits for the person's consent: a commune to follow, or an invite to redeem. */
export type Pending = { kind: "unit"; code: string } | { kind: "invite"; code: string };

/**
 * The step of the conversation a person is in, stored as JSON in `conversations.state`.
 * `offered` keeps the actions of the last buttons sent, so that typing "2" presses the second button
 * on channels without buttons (the numbered text fallback).
 */
export type ConversationStep =
  | { step: "idle" }
  | { step: "choose_unit"; codes: string[] }
  | { step: "confirm_unit"; code: string }
  | { step: "consent"; pending: Pending }
  /** `/xoadulieu` or `/rutdongy` asked: waiting for yes or no. */
  | { step: "erase_confirm"; withdraw: boolean }
  | { step: "answer"; draftId: string; questionId: string }
  | { step: "comment"; draftId: string; questionId: string | null };

export type ConversationState = ConversationStep & { offered?: string[] };

/** A stored state as read (a missing or malformed one is idle). */
export function storedState(raw: unknown, present: boolean): ConversationState {
  const state = (present ? conversations.state.mapFromDriverValue(raw) : undefined) as ConversationState | undefined;
  return state && typeof state.step === "string" ? state : { step: "idle" };
}

/** The step without the remembered numbered choices. */
export function stepOf(state: ConversationState): ConversationStep {
  const { offered: _offered, ...step } = state;
  return step;
}

/** The conversation state changed under a turn (another turn of the same person, or rememberOffered): run it again. */
export class StaleConversation extends Error {
  constructor() {
    super("the conversation state changed while the turn ran");
    this.name = "StaleConversation";
  }
}

/** The conversation state and its row version, read now (a statement of its own, after the person's lock). */
export async function loadStateVersioned(tx: DbOrTx, subscriberId: string): Promise<{ state: ConversationState; stateVersion: string | null }> {
  const [row] = await queryRows<{ state: unknown; v: string }>(tx, sql`select state, xmin::text as v from conversations where subscriber_id = ${subscriberId}`);
  return { state: storedState(row?.state, row !== undefined), stateVersion: row?.v ?? null };
}

/**
 * The conversation-state upsert as a statement returning one row when saved, to be combined with the turn's
 * other writes (one round trip). It saves only over the version the turn read (null: there was no row):
 * no row returned means the state changed meanwhile, and the turn must be run again. The row returned holds
 * the saved state's version.
 */
export function saveStateQuery(subscriberId: string, state: ConversationState, version: string | null): SQL {
  return sql`insert into conversations (subscriber_id, state) values (${subscriberId}, ${JSON.stringify(state)}::jsonb)
    on conflict (subscriber_id) do update set state = excluded.state, updated_at = now()
    where conversations.xmin::text = ${version}
    returning xmin::text as version`;
}
