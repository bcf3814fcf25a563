import { sql, type SQL } from "drizzle-orm";
import { countedCommuneSql } from "./counted-commune.js";
import { effectiveDeadlineSql } from "./drafts/deadline.js";

/**
 * Common table expressions over one draft's feedback, shared by the statistics and the exports:
 *
 * - `d`: the draft and its effective deadline (the earlier of the period's end and an early close);
 * - `targets`: the draft's target units (every unit when it targets all);
 * - `ontime`: one row per (question, subscriber), the answer that counts: the current answer when it
 *   was given by the deadline, otherwise the last answer given by the deadline (from the history);
 * - `late_answers`: one row per (question, subscriber), the last answer given after the deadline
 *   (kept and shown, flagged late, never counted);
 * - `fb_comments`: the draft's comments with a `late` flag (flagged at intake or written after the deadline).
 *
 * Every row carries the commune it was given for (`unit_code`, or when unknown the commune it counts for
 * by the one rule of ./counted-commune.ts), so per-commune figures and exports agree.
 */
export function feedbackSources(draftId: string): SQL {
  const countedCommune = (subscriberId: SQL) => countedCommuneSql(subscriberId, sql`${draftId}::uuid`);
  return sql`
    with d as (
      select id, ${effectiveDeadlineSql()} as deadline
      from drafts where id = ${draftId}::uuid
    ),
    targets as (
      select t.unit_code from draft_targets t join d on t.draft_id = d.id
      union
      select u.code from admin_units u where (select target_all from drafts where id = ${draftId}::uuid)
    ),
    cur as (
      select a.question_id, a.subscriber_id, a.choice_index, a.unit_code, a.channel, a.updated_at as at
      from answers a join d on a.draft_id = d.id
      where a.updated_at <= d.deadline
    ),
    hist as (
      select distinct on (h.question_id, h.subscriber_id)
        h.question_id, h.subscriber_id, h.choice_index, h.unit_code, h.channel, h.at
      from answer_history h join d on h.draft_id = d.id
      where not h.late and h.at <= d.deadline
      order by h.question_id, h.subscriber_id, h.at desc, h.id desc
    ),
    ontime_raw as (
      select * from cur
      union all
      select * from hist
      where not exists (select 1 from cur where cur.question_id = hist.question_id and cur.subscriber_id = hist.subscriber_id)
    ),
    late_raw as (
      select distinct on (x.question_id, x.subscriber_id) x.*
      from (
        select a.question_id, a.subscriber_id, a.choice_index, a.unit_code, a.channel, a.updated_at as at
        from answers a join d on a.draft_id = d.id
        where a.updated_at > d.deadline
        union all
        select h.question_id, h.subscriber_id, h.choice_index, h.unit_code, h.channel, h.at
        from answer_history h join d on h.draft_id = d.id
        where h.late or h.at > d.deadline
      ) x
      order by x.question_id, x.subscriber_id, x.at desc
    ),
    ontime as (
      select o.question_id, o.subscriber_id, o.choice_index, o.channel, o.at,
        coalesce(o.unit_code, ${countedCommune(sql`o.subscriber_id`)}) as unit_code
      from ontime_raw o
    ),
    late_answers as (
      select l.question_id, l.subscriber_id, l.choice_index, l.channel, l.at,
        coalesce(l.unit_code, ${countedCommune(sql`l.subscriber_id`)}) as unit_code
      from late_raw l
    ),
    fb_comments as (
      select c.id, c.subscriber_id, c.question_id, c.channel, c.article, c.text, c.moderation, c.handling,
        c.handling_note, c.moderation_reason, c.created_at as at, (c.late or c.created_at > d.deadline) as late,
        coalesce(c.unit_code, ${countedCommune(sql`c.subscriber_id`)}) as unit_code
      from comments c join d on c.draft_id = d.id
    )
  `;
}
