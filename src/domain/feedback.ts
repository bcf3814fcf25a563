import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../db/client.js";
import type { drafts } from "../db/schema/index.js";
import { feedbackSources } from "./feedback-sources.js";
import { draftPseudonymizer } from "./pseudonym.js";

export interface AnswerRow {
  respondent: string;
  communeCode: string | null;
  communeName: string | null;
  channel: string;
  at: Date;
  questionNumber: number;
  question: string;
  article: string | null;
  choiceNumber: number;
  choice: string | null;
  late: boolean;
}

export interface CommentRow {
  id: string;
  respondent: string;
  communeCode: string | null;
  communeName: string | null;
  channel: string;
  at: Date;
  questionNumber: number | null;
  question: string | null;
  article: string | null;
  text: string;
  late: boolean;
  moderation: string;
  handling: string;
  handlingNote: string | null;
  moderationReason: string | null;
}

export interface Feedback {
  draft: { id: string; code: string | null; title: string; commentClosesAt: Date };
  generatedAt: Date;
  answers: AnswerRow[];
  comments: CommentRow[];
}

type DraftRow = typeof drafts.$inferSelect;

/**
 * Every answer and comment of one draft for an officer's export, subscribers pseudonymised.
 * Answers: the one that counts per (question, subscriber) and, when there is one, the last late one
 * (flagged). Comments: all of them, with their moderation and handling state.
 */
export async function draftFeedback(db: DbOrTx, draft: DraftRow, secret: string): Promise<Feedback> {
  const pseudonym = draftPseudonymizer(secret, draft.id);
  const src = feedbackSources(draft.id);
  const answers = await queryRows<{
    subscriber_id: string; unit_code: string | null; unit_name: string | null; channel: string; at: Date | string;
    question_number: number; question: string; article: string | null; choice_index: number; choice: string | null; late: boolean;
  }>(
    db,
    sql`${src},
    qn as (select q.*, row_number() over (order by q.position)::int as number from questions q join d on q.draft_id = d.id),
    rows as (
      select *, false as late from ontime
      union all
      select *, true as late from late_answers
    )
    select r.subscriber_id, r.unit_code, u.name as unit_name, r.channel, r.at, qn.number as question_number,
      qn.text as question, qn.article, r.choice_index, qn.choices[r.choice_index + 1] as choice, r.late
    from rows r
    join qn on qn.id = r.question_id
    left join admin_units u on u.code = r.unit_code
    order by r.at, qn.number, r.subscriber_id`,
  );
  const comments = await queryRows<{
    id: string; subscriber_id: string; unit_code: string | null; unit_name: string | null; channel: string; at: Date | string;
    question_number: number | null; question: string | null; article: string | null; text: string; late: boolean;
    moderation: string; handling: string; handling_note: string | null; moderation_reason: string | null;
  }>(
    db,
    sql`${src},
    qn as (select q.*, row_number() over (order by q.position)::int as number from questions q join d on q.draft_id = d.id)
    select c.id, c.subscriber_id, c.unit_code, u.name as unit_name, c.channel, c.at, qn.number as question_number,
      qn.text as question, coalesce(c.article, qn.article) as article, c.text, c.late, c.moderation, c.handling, c.handling_note, c.moderation_reason
    from fb_comments c
    left join qn on qn.id = c.question_id
    left join admin_units u on u.code = c.unit_code
    order by c.at, c.id`,
  );
  const given = <N extends number | null, S extends string | null>(r: GivenRow<N, S>) => givenColumns(r, pseudonym);
  return {
    draft: { id: draft.id, code: draft.code, title: draft.title, commentClosesAt: draft.commentClosesAt },
    generatedAt: new Date(),
    answers: answers.map((r) => ({
      ...given(r),
      choiceNumber: r.choice_index + 1,
      choice: r.choice,
      late: r.late,
    })),
    comments: comments.map((r) => ({
      id: r.id,
      ...given(r),
      text: r.text,
      late: r.late,
      moderation: r.moderation,
      handling: r.handling,
      handlingNote: r.handling_note,
      moderationReason: r.moderation_reason,
    })),
  };
}

/** The columns an answer row and a comment row share (a comment's question may be none). */
interface GivenRow<N extends number | null, S extends string | null> {
  subscriber_id: string;
  unit_code: string | null;
  unit_name: string | null;
  channel: string;
  at: Date | string;
  question_number: N;
  question: S;
  article: string | null;
}

/** Who gave an answer or a comment (by pseudonym), where, when and on which question. */
function givenColumns<N extends number | null, S extends string | null>(r: GivenRow<N, S>, pseudonym: (subscriberId: string) => string) {
  return {
    respondent: pseudonym(r.subscriber_id),
    communeCode: r.unit_code,
    communeName: r.unit_name,
    channel: r.channel,
    at: new Date(r.at),
    questionNumber: r.question_number,
    question: r.question,
    article: r.article,
  };
}
