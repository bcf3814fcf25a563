import { asc, eq, type SQL } from "drizzle-orm";
import { sql } from "../../db/sql.js";
import { queryRows, type DbOrTx } from "../../db/client.js";
import { mapRow } from "../../db/rows.js";
import { drafts, questions } from "../../db/schema/index.js";
import { pastDeadline } from "../drafts/deadline.js";

export type DraftRow = typeof drafts.$inferSelect;
export type QuestionRow = typeof questions.$inferSelect;

/** gone: never published or withdrawn · not_open: before the period · open · closed: after the deadline. */
export type Period = "gone" | "not_open" | "open" | "closed";

export async function findDraft(tx: DbOrTx, id: string): Promise<DraftRow | null> {
  const [d] = await tx.select().from(drafts).where(eq(drafts.id, id));
  return d ?? null;
}

export async function draftQuestions(tx: DbOrTx, draftId: string): Promise<QuestionRow[]> {
  return tx.select().from(questions).where(eq(questions.draftId, draftId)).orderBy(asc(questions.position));
}

export async function findQuestion(tx: DbOrTx, id: string): Promise<QuestionRow | null> {
  const [q] = await tx.select().from(questions).where(eq(questions.id, id));
  return q ?? null;
}

/** Where the draft's comment period stands at `now`; the deadline is the end of the period. */
export function periodOf(d: DraftRow, now: Date): Period {
  if (d.status === "draft" || d.status === "withdrawn") return "gone";
  if (pastDeadline(d, now)) return "closed";
  if (d.status === "scheduled" || now < d.commentOpensAt) return "not_open";
  return "open";
}

/**
 * A draft with its questions (in order), as read at some moment, and its version: the draft's and every
 * question's row version (xmin), so a later statement can tell in the same round trip whether any of them
 * changed since (a PATCH, a withdrawal, an extension, a question added or removed).
 */
export interface DraftSnapshot {
  draft: DraftRow;
  questions: QuestionRow[];
  version: string;
}

/**
 * The draft-and-questions lookups of button presses, kept between turns. Never trusted blindly: whoever
 * uses a cached snapshot compares its `version` with `draftVersionSql` inside a statement of the turn's
 * own transaction, and reloads when they differ, so decisions (deadline, choices, next question) are made
 * on rows exactly as current as an uncached read would give. Bounded: forgets everything past `max` drafts.
 */
export interface DraftCache {
  /** The snapshot holding this question, if one is cached (check its version before relying on it). */
  byQuestion(questionId: string): DraftSnapshot | undefined;
  /** Read the question's draft and questions now (two statements) and cache them; null if the question is gone. */
  load(tx: DbOrTx, questionId: string): Promise<DraftSnapshot | null>;
}

/** SQL giving the current version of a draft (null when it no longer exists), comparable to `DraftSnapshot.version`. */
export function draftVersionSql(draftId: string): SQL {
  return sql`(select d.xmin::text || '/' || coalesce((select string_agg(q.id::text || ':' || q.xmin::text, ',' order by q.position, q.id)
    from questions q where q.draft_id = d.id), '') from drafts d where d.id = ${draftId})`;
}

export function createDraftCache(opts: { max?: number } = {}): DraftCache {
  const max = opts.max ?? 500;
  const byQuestion = new Map<string, DraftSnapshot>();
  let cached = 0;
  return {
    byQuestion: (questionId) => byQuestion.get(questionId),
    async load(tx, questionId) {
      const [d] = await queryRows<Record<string, unknown> & { _x: string }>(tx, sql`
        select d.*, d.xmin::text as _x from drafts d where d.id = (select draft_id from questions where id = ${questionId})`);
      if (!d) return null;
      const qs = await queryRows<Record<string, unknown> & { _x: string }>(tx, sql`
        select q.*, q.xmin::text as _x from questions q where q.draft_id = ${d.id as string} order by q.position, q.id`);
      const snapshot: DraftSnapshot = {
        draft: mapRow(drafts, d),
        questions: qs.map((q) => mapRow(questions, q)),
        version: `${d._x}/${qs.map((q) => `${q.id as string}:${q._x}`).join(",")}`,
      };
      if (!snapshot.questions.some((q) => q.id === questionId)) return null;
      if (++cached > max) {
        byQuestion.clear();
        cached = 1;
      }
      for (const q of snapshot.questions) byQuestion.set(q.id, snapshot);
      return snapshot;
    },
  };
}
