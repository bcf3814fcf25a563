import type { SQL } from "drizzle-orm";
import { sql } from "../db/sql.js";

/**
 * The commune an answer or a comment counts for, as a scalar subquery: among the person's resident
 * subscriptions, one in the draft's target communes (every commune when the draft targets all) before one
 * outside them; then the earliest subscription; then the lowest unit code (subscriptions made together).
 * Null when the person follows no commune as a resident.
 *
 * Used when an answer or comment is recorded (inbound turns) and, for rows recorded without a commune,
 * when feedback is counted (src/domain/feedback-sources.ts), so both give the same commune.
 */
export function countedCommuneSql(subscriberId: string | SQL, draftId: string | SQL): SQL {
  return sql`(select s.unit_code from subscriptions s
    where s.subscriber_id = ${subscriberId} and s.role = 'resident'
    order by case when (select d.target_all from drafts d where d.id = ${draftId})
      or exists (select 1 from draft_targets t where t.draft_id = ${draftId} and t.unit_code = s.unit_code) then 0 else 1 end,
      s.created_at, s.unit_code
    limit 1)`;
}
