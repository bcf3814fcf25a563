import { sql, type SQL } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../db/client.js";
import { PRIORITY_BULK } from "../db/schema/index.js";
import type { OutboundMessage } from "../channels/message.js";

/**
 * The one place an outbox row (a deliveries row) is built: which columns, their order, the defaults
 * (bulk priority, no broadcast) and "a (broadcast, subscriber) pair is queued at most once".
 * Everything that queues a message goes through `enqueue`, `enqueueQuery` or `enqueueSelected`.
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
