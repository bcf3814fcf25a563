import { sql, type SQL } from "drizzle-orm";
import { ts } from "../digest/data.js";

/**
 * Common table expressions over the drafts an annual report covers, for aggregate queries:
 *
 * - `sd`: the drafts published in [from, until) (scheduled, open or closed; of one agency when given),
 *   with their effective deadline (the earlier of the period's end and an early close);
 * - `ontime`: one row per (question, subscriber), the answer that counts, as in the draft statistics:
 *   the current answer when given by the deadline; when it was changed after the deadline, the last
 *   one given by the deadline (from the history; the late answers are few, so only they are looked up);
 * - `com`: the comments given by the deadline.
 *
 * Rows of `ontime` and `com` carry the `unit_code` recorded with them (possibly null): reduce them
 * first, then resolve the commune with `resolvedUnit` on the fewer rows left.
 */
export function reportSources(from: Date, until: Date, agencyId: string | null): SQL {
  return sql`
    with sd as (
      select d.id, d.agency_id, least(d.comment_closes_at, coalesce(d.closed_at, d.comment_closes_at)) as deadline
      from drafts d
      where d.published_at >= ${ts(from)} and d.published_at < ${ts(until)}
        and d.status in ('scheduled', 'open', 'closed')
        and (${agencyId}::uuid is null or d.agency_id = ${agencyId}::uuid)
    ),
    late_cur as materialized (
      select a.draft_id, a.question_id, a.subscriber_id, sd.deadline
      from answers a join sd on sd.id = a.draft_id
      where a.updated_at > sd.deadline
    ),
    ontime_raw as (
      select a.draft_id, a.question_id, a.subscriber_id, a.channel, a.unit_code
      from answers a join sd on sd.id = a.draft_id
      where a.updated_at <= sd.deadline
      union all
      select h.draft_id, h.question_id, h.subscriber_id, h.channel, h.unit_code from (
        select distinct on (h.question_id, h.subscriber_id) h.draft_id, h.question_id, h.subscriber_id, h.channel, h.unit_code
        from late_cur l
        join answer_history h on h.draft_id = l.draft_id and h.question_id = l.question_id and h.subscriber_id = l.subscriber_id
        where not h.late and h.at <= l.deadline
        order by h.question_id, h.subscriber_id, h.at desc, h.id desc
      ) h
    ),
    ontime as (
      select o.draft_id, o.question_id, o.subscriber_id, o.channel, o.unit_code from ontime_raw o
    ),
    com as (
      select c.draft_id, c.subscriber_id, c.channel, c.handling, c.unit_code
      from comments c join sd on sd.id = c.draft_id
      where not c.late and c.created_at <= sd.deadline
    )
  `;
}

/**
 * The commune of a row of `x` (with draft_id, subscriber_id, unit_code): the one recorded, else the
 * subscriber's resident commune, a target of the draft first, as the draft statistics do.
 */
export function resolvedUnit(x: string): SQL {
  return sql.raw(`coalesce(${x}.unit_code,
      (select min(s.unit_code) from subscriptions s where s.subscriber_id = ${x}.subscriber_id and s.role = 'resident'
        and (exists (select 1 from drafts t where t.id = ${x}.draft_id and t.target_all)
          or s.unit_code in (select t.unit_code from draft_targets t where t.draft_id = ${x}.draft_id))),
      (select min(s.unit_code) from subscriptions s where s.subscriber_id = ${x}.subscriber_id and s.role = 'resident'))`);
}
