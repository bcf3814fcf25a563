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
