import { and, eq, lte } from "drizzle-orm";
import type { DbOrTx } from "../../db/client.js";
import { drafts } from "../../db/schema/index.js";
import { recordAudit } from "../audit.js";
import type { Broadcaster } from "../../delivery/broadcaster.js";

export const SCHEDULER_ACTOR = "scheduler";

/**
 * Move scheduled drafts whose period has begun to "open", and open drafts whose period has ended to
 * "closed" (audited as the scheduler). Single UPDATE statements, so concurrent runs never double-move.
 * A scheduled draft is announced when its period opens, in the same transaction as the move.
 */
export async function advanceDraftPeriods(
  db: DbOrTx,
  now: Date,
  broadcaster: Broadcaster,
): Promise<{ opened: string[]; closed: string[] }> {
  const run = async (tx: DbOrTx) => {
    const opened = await tx
      .update(drafts)
      .set({ status: "open", updatedAt: now })
      .where(and(eq(drafts.status, "scheduled"), lte(drafts.commentOpensAt, now)))
      .returning({ id: drafts.id });
    for (const { id } of opened) {
      await recordAudit(tx, { actor: SCHEDULER_ACTOR, action: "draft.open", entityType: "draft", entityId: id, details: { at: now.toISOString() } });
      await broadcaster.draftPublished(tx, id, SCHEDULER_ACTOR);
    }
    const closed = await tx
      .update(drafts)
      .set({ status: "closed", closedAt: now, updatedAt: now })
      .where(and(eq(drafts.status, "open"), lte(drafts.commentClosesAt, now)))
      .returning({ id: drafts.id });
    for (const { id } of closed) {
      await recordAudit(tx, { actor: SCHEDULER_ACTOR, action: "draft.close", entityType: "draft", entityId: id, details: { at: now.toISOString(), early: false } });
    }
    return { opened: opened.map((r) => r.id), closed: closed.map((r) => r.id) };
  };
  const result = await ("transaction" in db ? db.transaction(run) : run(db));
  if (result.opened.length) broadcaster.kick();
  return result;
}
