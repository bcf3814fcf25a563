import { and, desc, eq, type SQL } from "drizzle-orm";
import { sql } from "../../db/sql.js";
import { queryRowsPrepared, type DbOrTx } from "../../db/client.js";
import { answerHistory, answers } from "../../db/schema/index.js";
import { decodeAction } from "../../messages/actions.js";
import { countedCommuneSql } from "../counted-commune.js";
import { draftVersionSql, type DraftCache, type DraftSnapshot } from "./drafts.js";

/** What a press needs besides the draft: the draft's current version, the current answer, the commune, whether the draft targets the person. */
export interface ChoiceReads {
  version: string | null;
  current: number | null;
  unit: string | null;
  targeted: boolean | null;
}

/** Prefetched for a press by the turn's first statement (see `choicePrefetch`), for this question and draft. */
export interface PrefetchedChoice extends ChoiceReads {
  questionId: string;
  draftId: string;
}

/** A choice about to be made: the draft and its questions as current, the current answer and the commune it counts for. */
export interface ChoiceContext {
  snapshot: DraftSnapshot;
  current: number | null;
  unit: string | null;
  /** Whether the draft asks the person at all (targets every commune, or one they follow as a resident). */
  targeted: boolean;
}

/**
 * Whether a draft asks this person: it targets every commune, or one the person follows as a resident.
 * An answer from anyone else would count in the totals but in none of the draft's communes, so it is refused.
 */
export function draftTargetsSql(subscriberId: string | SQL, draftId: string | SQL): SQL {
  return sql`coalesce((select d.target_all or exists (select 1 from draft_targets t join subscriptions s on s.unit_code = t.unit_code
      where t.draft_id = d.id and s.subscriber_id = ${subscriberId} and s.role = 'resident') from drafts d where d.id = ${draftId}), false)`;
}

/** Whether the draft asks this person (see draftTargetsSql). */
export async function draftTargets(tx: DbOrTx, subscriberId: string, draftId: string): Promise<boolean> {
  const [row] = await queryRowsPrepared<{ targeted: boolean }>(tx, sql`select ${draftTargetsSql(subscriberId, draftId)} as targeted`);
  return row?.targeted === true;
}

/** One answer to record: the question, its draft, the choice, the commune it counts for and the channel. */
export interface ChoiceRecord {
  questionId: string;
  draftId: string;
  subscriberId: string;
  index: number;
  unitCode: string | null;
  channel: string;
}

/** The three reads as select-list columns named <prefix>version, <prefix>current, <prefix>unit. */
function choiceReadsSql(questionId: string, draftId: string, subscriberId: string | SQL, prefix = ""): SQL {
  const as = (name: string) => sql.raw(`${prefix}${name}`);
  return sql`${draftVersionSql(draftId)} as ${as("version")},
    (select choice_index from answers where question_id = ${questionId} and subscriber_id = ${subscriberId}) as ${as("current")},
    ${countedCommuneSql(subscriberId, draftId)} as ${as("unit")},
    ${draftTargetsSql(subscriberId, draftId)} as ${as("targeted")}`;
}

/**
 * For a button press on a question whose draft is cached: the reads a choice needs, as columns the turn's
 * first statement adds (one round trip fewer). They are read in that statement's snapshot, before the
 * person's lock is granted; that is safe because any turn of the same person committed meanwhile changed
 * the conversation row, and the turn's save then fails and the turn runs again (StaleConversation).
 */
export function choicePrefetch(
  turnDrafts: DraftCache,
  action: string,
): { questionId: string; draftId: string; version: string; columns: (subscriberId: SQL) => SQL; take: (row: Record<string, unknown>) => PrefetchedChoice } | null {
  const a = decodeAction(action);
  if (a?.type !== "choice") return null;
  const snap = turnDrafts.byQuestion(a.questionId);
  if (!snap) return null;
  const draftId = snap.draft.id;
  return {
    questionId: a.questionId,
    draftId,
    version: snap.version,
    columns: (subscriberId) => choiceReadsSql(a.questionId, draftId, subscriberId, "_pc_"),
    take: (row) => ({
      questionId: a.questionId,
      draftId,
      version: row._pc_version as string | null,
      current: row._pc_current as number | null,
      unit: row._pc_unit as string | null,
      targeted: row._pc_targeted as boolean | null,
    }),
  };
}

/**
 * One row when the reads of a press are still what `p` holds (the draft's version, the current answer, the
 * commune, the targeting), none otherwise: the check a turn taken from memory makes in its single statement.
 */
export function choiceReadsUnchangedSql(p: PrefetchedChoice, subscriberId: string): SQL {
  return sql`select 1 from (select ${choiceReadsSql(p.questionId, p.draftId, subscriberId)}) r
    where r.version = ${p.version} and r.current is not distinct from ${p.current}::int
      and r.unit is not distinct from ${p.unit}::text and r.targeted is not distinct from ${p.targeted}::boolean`;
}

/**
 * The draft, the current answer and the commune for a choice on `questionId`, in one statement at most: the
 * cached snapshot is used when the draft's version (read with the other two, or prefetched) still matches,
 * and read again otherwise. Null when the question (or its draft) no longer exists.
 */
export async function choiceContext(
  tx: DbOrTx,
  cache: DraftCache,
  subscriberId: string,
  questionId: string,
  prefetched: PrefetchedChoice | undefined,
): Promise<ChoiceContext | null> {
  let snap = cache.byQuestion(questionId) ?? (await cache.load(tx, questionId));
  if (!snap) return null;
  let r: ChoiceReads | undefined = prefetched;
  if (!prefetched || prefetched.questionId !== questionId || prefetched.draftId !== snap.draft.id) {
    const [row] = await queryRowsPrepared<ChoiceReads>(tx, sql`select ${choiceReadsSql(questionId, snap.draft.id, subscriberId)}`);
    r = row!;
  }
  if (r!.version !== snap.version) {
    // The draft or its questions changed since they were cached (or were deleted): read them again.
    snap = await cache.load(tx, questionId);
    if (!snap) return null;
  }
  return { snapshot: snap, current: r!.current, unit: r!.unit, targeted: r!.targeted === true };
}

/** The person's current answer to a question (0-based choice), or null. */
export async function currentChoice(tx: DbOrTx, subscriberId: string, questionId: string): Promise<number | null> {
  const [a] = await tx
    .select({ choiceIndex: answers.choiceIndex })
    .from(answers)
    .where(and(eq(answers.questionId, questionId), eq(answers.subscriberId, subscriberId)));
  return a?.choiceIndex ?? null;
}

/**
 * The writes of an answer given in time: the current answer (replaced) and its history line, as two
 * statements to run with the turn's final statement (nothing later in the turn reads them).
 */
export function recordChoiceWrites(c: ChoiceRecord): SQL[] {
  return [
    sql`insert into answers (question_id, subscriber_id, draft_id, choice_index, unit_code, channel)
    values (${c.questionId}, ${c.subscriberId}, ${c.draftId}, ${c.index}, ${c.unitCode}, ${c.channel})
    on conflict (question_id, subscriber_id) do update
      set choice_index = excluded.choice_index, unit_code = excluded.unit_code, channel = excluded.channel, updated_at = now()`,
    sql`insert into answer_history (question_id, subscriber_id, draft_id, choice_index, unit_code, channel)
    values (${c.questionId}, ${c.subscriberId}, ${c.draftId}, ${c.index}, ${c.unitCode}, ${c.channel})`,
  ];
}

/**
 * An answer given after the deadline: kept in the history flagged late (never counted), unless the last
 * history line is already this late choice.
 */
export async function recordLateChoice(tx: DbOrTx, c: ChoiceRecord): Promise<void> {
  const [last] = await tx
    .select({ choiceIndex: answerHistory.choiceIndex, late: answerHistory.late })
    .from(answerHistory)
    .where(and(eq(answerHistory.questionId, c.questionId), eq(answerHistory.subscriberId, c.subscriberId)))
    .orderBy(desc(answerHistory.id))
    .limit(1);
  if (last?.late && last.choiceIndex === c.index) return;
  await tx.insert(answerHistory).values({
    questionId: c.questionId,
    subscriberId: c.subscriberId,
    draftId: c.draftId,
    choiceIndex: c.index,
    unitCode: c.unitCode,
    channel: c.channel,
    late: true,
  });
}
