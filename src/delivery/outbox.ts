import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../db/client.js";
import { deliveries, PRIORITY_BULK } from "../db/schema/index.js";
import type { OutboundMessage } from "../channels/message.js";

export interface OutboxItem {
  subscriberId: string;
  channel: string;
  /** announcement, reply, relay, reminder, correction, extension, digest… */
  kind: string;
  message: OutboundMessage;
  priority?: number;
  broadcastId?: string | null;
}

/**
 * Put messages in the durable outbox, inside the caller's transaction. A (broadcast, subscriber) pair is
 * enqueued at most once, so re-running a publish cannot double a broadcast.
 */
export async function enqueue(db: DbOrTx, items: OutboxItem[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < items.length; i += 1000) {
    const chunk = items.slice(i, i + 1000);
    const rows = await db
      .insert(deliveries)
      .values(
        chunk.map((it) => ({
          subscriberId: it.subscriberId,
          channel: it.channel,
          kind: it.kind,
          message: it.message,
          priority: it.priority ?? PRIORITY_BULK,
          broadcastId: it.broadcastId ?? null,
        })),
      )
      .onConflictDoNothing()
      .returning({ id: deliveries.id });
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
  const values = sql.join(
    items.map(
      (it) => sql`(${it.subscriberId}, ${it.channel}, ${it.kind}, ${JSON.stringify(it.message)}::jsonb, ${it.priority ?? PRIORITY_BULK}, ${it.broadcastId ?? null}::uuid)`,
    ),
    sql`, `,
  );
  return sql`insert into deliveries (subscriber_id, channel, kind, message, priority, broadcast_id) values ${values} on conflict do nothing`;
}
