import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../db/client.js";

/** Residents (and propagandists) a draft's messages could not reach, each counted once. */
export interface OutOfReach {
  /** Zalo OA recipients outside the 7-day window (no template configured): none of the draft's messages reached them. */
  outsideWindow: number;
  /** Recipients who blocked or unfollowed (recipient gone) and never got any of the draft's messages. */
  gone: number;
  /** Recipients whose every delivery of the draft failed for another reason (permanent error, retries exhausted). */
  failed: number;
}

/**
 * Who the draft's broadcasts (announcement, scripts, reminders, extensions, corrections) did not reach:
 * per recipient, only when no delivery of the draft was sent to them. A person is counted in one bucket:
 * gone first (blocked or unfollowed, or now marked gone), then outside the window, then failed.
 * Recipients with messages still queued and no failure yet are not counted.
 */
export async function draftOutOfReach(db: DbOrTx, draftId: string): Promise<OutOfReach> {
  const [r] = await queryRows<OutOfReach>(db, sql`
    with per as (
      select x.subscriber_id,
        bool_or(x.state = 'sent') as reached,
        bool_or(x.state = 'failed' and x.error_kind = 'recipient_gone') or bool_or(s.status = 'gone') as gone,
        bool_or(x.state = 'outside_window') as outside,
        bool_or(x.state = 'failed') as failed
      from deliveries x
      join broadcasts b on b.id = x.broadcast_id
      join subscribers s on s.id = x.subscriber_id
      where b.draft_id = ${draftId}::uuid
      group by x.subscriber_id
    )
    select
      count(*) filter (where not reached and not gone and outside)::int as "outsideWindow",
      count(*) filter (where not reached and gone)::int as "gone",
      count(*) filter (where not reached and not gone and not outside and failed)::int as "failed"
    from per`);
  return r ?? { outsideWindow: 0, gone: 0, failed: 0 };
}
