import type { SQL } from "drizzle-orm";
import { sql } from "../db/sql.js";
import { queryRows, type DbOrTx } from "../db/client.js";
import { PRIORITY_BULK, type BroadcastKind } from "../db/schema/index.js";
import type { OutboundMessage } from "../channels/message.js";

/**
 * The one place an outbox row (a deliveries row) is built: which columns, their order, the defaults
 * (bulk priority, no broadcast) and "a (broadcast, subscriber) pair is queued at most once".
 * Everything that queues a message goes through `enqueue`, `enqueueQuery` or `enqueueSelected`; a
 * message to many goes under a broadcast row (`createBroadcast`, then `enqueueBroadcast` or `enqueueAudience`).
 */
export interface OutboxItem {
  subscriberId: string;
  channel: string;
  /** announcement, reply, relay, reminder, correction, extension, digest… */
  kind: string;
  message: OutboundMessage;
  priority?: number;
  broadcastId?: string | null;
}

const COLUMNS = sql`(broadcast_id, subscriber_id, channel, kind, priority, message)`;

/** One row's values, in the order of COLUMNS. */
function rowValues(it: OutboxItem): SQL {
  return sql`(${it.broadcastId ?? null}::uuid, ${it.subscriberId}, ${it.channel}, ${it.kind}, ${it.priority ?? PRIORITY_BULK}, ${JSON.stringify(it.message)}::jsonb)`;
}

/**
 * Put messages in the durable outbox, inside the caller's transaction. A (broadcast, subscriber) pair is
 * enqueued at most once, so re-running a publish cannot double a broadcast. Resolves with how many rows
 * were queued.
 */
export async function enqueue(db: DbOrTx, items: OutboxItem[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < items.length; i += 1000) {
    const chunk = items.slice(i, i + 1000);
    if (!chunk.length) break;
    const rows = await queryRows<{ id: number }>(db, sql`${enqueueQuery(chunk)} returning id`);
    inserted += rows.length;
  }
  return inserted;
}

/**
 * The same insert as `enqueue` for a few items, as one statement to run inside a caller's combined
 * statement (an inbound turn saves its conversation state and queues its replies in one round trip).
 */
export function enqueueQuery(items: OutboxItem[]): SQL {
  if (!items.length) throw new Error("enqueueQuery needs at least one item");
  return sql`insert into deliveries ${COLUMNS} values ${sql.join(items.map(rowValues), sql`, `)} on conflict do nothing`;
}

export interface SelectedRecipients {
  broadcastId: string | null;
  kind: string;
  priority?: number;
  /** The message as a jsonb expression (it may use the alias s, e.g. to choose by s.locale). */
  message: SQL;
  /** `from … where …` naming the recipients as alias s, with at least s.id and s.channel. */
  from: SQL;
}

/**
 * Queue one row per recipient a query selects, as one statement (a broadcast to thousands in one round
 * trip). Append `returning …` to count what was queued.
 */
export function enqueueSelected(r: SelectedRecipients): SQL {
  return sql`insert into deliveries ${COLUMNS}
    select ${r.broadcastId}::uuid, s.id, s.channel, ${r.kind}, ${r.priority ?? PRIORITY_BULK}, ${r.message}
    ${r.from}
    on conflict do nothing`;
}

/**
 * A broadcast row (one message to many), whose deliveries are then queued under its id. `at`: when it
 * was made (a timed duty's clock); the transaction's time when not given.
 */
export async function createBroadcast(tx: DbOrTx, draftId: string | null, kind: BroadcastKind, actor: string, at?: Date): Promise<string> {
  const [b] = await queryRows<{ id: string }>(tx, sql`
    insert into broadcasts (draft_id, kind, created_by, created_at)
    values (${draftId}, ${kind}, ${actor}, coalesce(${at?.toISOString() ?? null}::timestamptz, now())) returning id`);
  return b!.id;
}

export interface BroadcastRecipients extends SelectedRecipients {
  broadcastId: string;
  /** Common table expressions the selection reads: a whole `with …` clause, without a trailing comma. */
  with?: SQL;
}

/**
 * Queue a broadcast's deliveries (`enqueueSelected`, one statement), record how many as the broadcast's
 * total, and return it.
 */
export async function enqueueBroadcast(tx: DbOrTx, r: BroadcastRecipients): Promise<number> {
  const [row] = await queryRows<{ n: number }>(tx, sql`
    ${r.with ? sql`${r.with},` : sql`with`} ins as (
      ${enqueueSelected(r)}
      returning 1
    ) select count(*)::int as n from ins`);
  const n = row?.n ?? 0;
  await tx.execute(sql`update broadcasts set total = ${n} where id = ${r.broadcastId}`);
  return n;
}

/**
 * Queue `message` (a jsonb expression over alias s) for every subscriber s matching `audience` (a
 * condition over alias s), as deliveries of `broadcastId`; returns how many were queued and records it
 * as the broadcast's total. A (broadcast, person) pair is unique: nobody gets one broadcast twice.
 */
export function enqueueAudience(tx: DbOrTx, broadcastId: string, kind: string, message: SQL, audience: SQL): Promise<number> {
  return enqueueBroadcast(tx, { broadcastId, kind, message, from: sql`from subscribers s where ${audience}` });
}
