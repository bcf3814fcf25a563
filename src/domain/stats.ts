import { asc, eq, sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../db/client.js";
import { questions, type drafts } from "../db/schema/index.js";
import { feedbackSources } from "./feedback-sources.js";
import { draftOfflineFigures, type OfflineFigures } from "./offline-feedback.js";
import { draftOutOfReach, type OutOfReach } from "./reach.js";

export interface ChoiceCount {
  index: number;
  label: string;
  /** Online answers (every channel together). */
  count: number;
  /** The same online answers per channel (telegram, zalo-oa, zalo-bot, sim: the channels present). */
  byChannel: Record<string, number>;
  /** People counted at offline meetings: shown beside the online count, never added to it. */
  offline: number;
}

export interface QuestionStats {
  id: string;
  number: number;
  text: string;
  article: string | null;
  answers: number;
  /** Sum of the offline counts of this question. */
  offlineAnswers: number;
  choices: ChoiceCount[];
}

export interface CommuneStats {
  code: string;
  name: string;
  type: string;
  /** Active residents subscribed to the commune. */
  subscribers: number;
  /** Distinct subscribers who answered or commented (by the deadline) for this commune. */
  respondents: number;
}

/** Offline meetings held in one commune and what they gathered. */
export interface CommuneOffline extends OfflineFigures {
  code: string;
  name: string;
}

/** Online figures of one channel. */
export interface ChannelFigures {
  channel: string;
  /** Distinct subscribers of this channel who answered or commented by the deadline. */
  respondents: number;
  answers: number;
  comments: number;
}

export interface DraftStats {
  draft: { id: string; code: string | null; title: string; status: string; commentClosesAt: Date; closedAt: Date | null };
  totals: {
    /** Distinct active residents over the target communes (once even if subscribed to two). */
    subscribers: number;
    /** Distinct subscribers who answered or commented by the deadline. */
    respondents: number;
    answers: number;
    comments: number;
    /** Answers and comments after the deadline: kept, flagged, not in any count above. */
    lateAnswers: number;
    lateComments: number;
  };
  questions: QuestionStats[];
  communes: CommuneStats[];
  /** Online figures per channel (channels with feedback only), beside the offline ones: never summed. */
  byChannel: ChannelFigures[];
  offline: OfflineFigures;
  /** Offline figures per commune (communes with a meeting), beside `communes`. */
  offlineByCommune: CommuneOffline[];
  /** Recipients none of the draft's messages reached: outside the Zalo OA window, gone, failed. */
  outOfReach: OutOfReach;
}

type DraftRow = typeof drafts.$inferSelect;

/**
 * Tallies for one draft: per question the count per choice (answers that count: current, given by the
 * deadline), per target commune subscribers and respondents, and totals.
 */
export async function draftStats(db: DbOrTx, draft: DraftRow): Promise<DraftStats> {
  const src = feedbackSources(draft.id);
  const qs = await db.select().from(questions).where(eq(questions.draftId, draft.id)).orderBy(asc(questions.position));

  const counts = await queryRows<{ question_id: string; choice_index: number; n: number }>(
    db,
    sql`${src} select question_id, choice_index, count(*)::int as n from ontime group by 1, 2`,
  );
  const byQuestion = new Map<string, Map<number, number>>();
  for (const c of counts) {
    const m = byQuestion.get(c.question_id) ?? new Map<number, number>();
    m.set(c.choice_index, c.n);
    byQuestion.set(c.question_id, m);
  }
  const perChannel = await queryRows<{ question_id: string; choice_index: number; channel: string; n: number }>(
    db,
    sql`${src} select question_id, choice_index, channel, count(*)::int as n from ontime group by 1, 2, 3`,
  );
  const byChannel = await queryRows<ChannelFigures>(
    db,
    sql`${src},
    ans as (select channel, count(*)::int as n from ontime group by 1),
    com as (select channel, count(*)::int as n from fb_comments where not late group by 1),
    resp as (
      select channel, count(distinct subscriber_id)::int as n from (
        select channel, subscriber_id from ontime union select channel, subscriber_id from fb_comments where not late
      ) p group by 1
    )
    select resp.channel, resp.n as "respondents", coalesce(ans.n, 0) as "answers", coalesce(com.n, 0) as "comments"
    from resp left join ans on ans.channel = resp.channel left join com on com.channel = resp.channel
    order by resp.channel`,
  );
  const offline = await draftOfflineFigures(db, draft.id);

  const communes = await queryRows<{ code: string; name: string; type: string; subscribers: number; respondents: number }>(
    db,
    sql`${src},
    participants as (
      select subscriber_id, unit_code from ontime
      union
      select subscriber_id, unit_code from fb_comments where not late
    ),
    subs as (
      select s.unit_code, count(distinct s.subscriber_id)::int as n
      from subscriptions s join subscribers r on r.id = s.subscriber_id
      where s.role = 'resident' and r.status = 'active' and s.unit_code in (select unit_code from targets)
      group by 1
    ),
    resp as (
      select unit_code, count(distinct subscriber_id)::int as n from participants group by 1
    )
    select u.code, u.name, u.type, coalesce(subs.n, 0) as subscribers, coalesce(resp.n, 0) as respondents
    from admin_units u
    left join subs on subs.unit_code = u.code
    left join resp on resp.unit_code = u.code
    where u.code in (select unit_code from targets)`,
  );
  communes.sort((a, b) => a.name.localeCompare(b.name, "vi"));

  const [totals] = await queryRows<DraftStats["totals"]>(
    db,
    sql`${src}
    select
      (select count(distinct s.subscriber_id)::int from subscriptions s join subscribers r on r.id = s.subscriber_id
        where s.role = 'resident' and r.status = 'active' and s.unit_code in (select unit_code from targets)) as "subscribers",
      (select count(*)::int from (select subscriber_id from ontime union select subscriber_id from fb_comments where not late) p) as "respondents",
      (select count(*)::int from ontime) as "answers",
      (select count(*)::int from fb_comments where not late) as "comments",
      (select count(*)::int from late_answers) as "lateAnswers",
      (select count(*)::int from fb_comments where late) as "lateComments"`,
  );

  return {
    draft: {
      id: draft.id,
      code: draft.code,
      title: draft.title,
      status: draft.status,
      commentClosesAt: draft.commentClosesAt,
      closedAt: draft.closedAt,
    },
    totals: totals ?? { subscribers: 0, respondents: 0, answers: 0, comments: 0, lateAnswers: 0, lateComments: 0 },
    questions: qs.map((q, i) => {
      const m = byQuestion.get(q.id) ?? new Map<number, number>();
      const choices = q.choices.map((label, index) => ({
        index,
        label,
        count: m.get(index) ?? 0,
        byChannel: Object.fromEntries(perChannel.filter((r) => r.question_id === q.id && r.choice_index === index).map((r) => [r.channel, r.n])),
        offline: offline.byChoice.get(`${q.id}:${index}`) ?? 0,
      }));
      return {
        id: q.id,
        number: i + 1,
        text: q.text,
        article: q.article,
        answers: choices.reduce((a, c) => a + c.count, 0),
        offlineAnswers: choices.reduce((a, c) => a + c.offline, 0),
        choices,
      };
    }),
    communes,
    byChannel,
    offline: offline.total,
    offlineByCommune: communes.flatMap((c) => {
      const f = offline.byUnit.get(c.code);
      return f ? [{ code: c.code, name: c.name, ...f }] : [];
    }),
    outOfReach: await draftOutOfReach(db, draft.id),
  };
}
