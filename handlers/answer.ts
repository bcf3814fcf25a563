import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import { answerHistory, answers } from "../src/db/schema/index.js";
import { t } from "../src/i18n/index.js";
import { decodeAction, encodeAction } from "./actions.js";
import { queryRowsPrepared } from "../src/db/client.js";
import {
  createDraftCache,
  draftQuestions,
  draftVersionSql,
  findDraft,
  findQuestion,
  periodOf,
  unitForAnswerSql,
  type DraftCache,
  type DraftRow,
  type DraftSnapshot,
  type QuestionRow,
} from "./drafts.js";
import { act, button, formatDate, formatTime, text, withButtons } from "./replies.js";
import { matchChoice } from "./text-match.js";
import type { Turn } from "./types.js";

/** Answering needs a consenting, active subscriber (opinions are sensitive personal data). */
export function mayAnswer(turn: Turn): boolean {
  if (turn.subscriber.consentAt && turn.subscriber.status === "active") return true;
  turn.setState({ step: "idle" });
  turn.reply(text(turn.locale, turn.subscriber.status === "stopped" ? "sub.stoppedHint" : "answer.needConsent"));
  return false;
}

/** "17:00 ngày 30/06/2026": the deadline in the service's time zone. */
export function deadline(turn: Turn, d: DraftRow): string {
  return t(turn.locale, "answer.deadline", { time: formatTime(d.commentClosesAt, turn.timeZone), date: formatDate(d.commentClosesAt, turn.timeZone) });
}

/** A draft that cannot be answered now: a clear reply. Returns true when it was handled. */
function refuse(turn: Turn, d: DraftRow | null): boolean {
  const period = d ? periodOf(d, turn.now) : "gone";
  if (period === "open") return false;
  turn.setState({ step: "idle" });
  if (!d || period === "gone") turn.reply(text(turn.locale, "answer.draftUnknown"));
  else if (period === "not_open") turn.reply(text(turn.locale, "answer.notOpen"));
  else turn.reply(text(turn.locale, "answer.closed", { title: d.title, date: deadline(turn, d) }));
  return true;
}

/** "Góp ý": walk the draft's questions from the first. */
export async function startAnswering(turn: Turn, draftId: string): Promise<void> {
  if (!mayAnswer(turn)) return;
  const d = await findDraft(turn.tx, draftId);
  if (refuse(turn, d) || !d) return;
  const qs = await draftQuestions(turn.tx, d.id);
  const intro = t(turn.locale, "answer.intro", { title: d.title, date: deadline(turn, d) });
  if (!qs.length) return askComment(turn, d, null, intro);
  await askQuestion(turn, qs, 0, intro);
}

async function currentAnswer(turn: Turn, questionId: string): Promise<number | null> {
  const [a] = await turn.tx
    .select({ choiceIndex: answers.choiceIndex })
    .from(answers)
    .where(and(eq(answers.questionId, questionId), eq(answers.subscriberId, turn.subscriber.id)));
  return a?.choiceIndex ?? null;
}

async function askQuestion(turn: Turn, qs: QuestionRow[], i: number, prefix?: string): Promise<void> {
  const q = qs[i]!;
  const { locale } = turn;
  const params = { n: i + 1, total: qs.length, text: q.text, article: q.article ?? "" };
  const parts = prefix ? [prefix] : [];
  parts.push(t(locale, q.article ? "answer.questionArticle" : "answer.question", params));
  const current = await currentAnswer(turn, q.id);
  const currentLabel = current === null ? undefined : q.choices[current];
  parts.push(currentLabel === undefined ? t(locale, "answer.typeHint") : t(locale, "answer.current", { choice: currentLabel }));
  turn.setState({ step: "answer", draftId: q.draftId, questionId: q.id });
  turn.reply(
    withButtons(
      parts.join("\n\n"),
      q.choices.map((c, idx) => button(`${idx + 1}. ${c}`, encodeAction({ type: "choice", questionId: q.id, index: idx }))),
    ),
  );
}

/** After the last question: the optional comment, if the draft takes comments; otherwise thanks. */
function askComment(turn: Turn, d: DraftRow, questionId: string | null, prefix?: string): void {
  const parts = prefix ? [prefix] : [];
  parts.push(t(turn.locale, "answer.commentAsk"));
  turn.setState({ step: "comment", draftId: d.id, questionId });
  turn.reply(withButtons(parts.join("\n\n"), [button(t(turn.locale, "answer.skipLabel"), act.skip())]));
}

async function advance(turn: Turn, d: DraftRow, q: QuestionRow, prefix?: string, questions?: QuestionRow[]): Promise<void> {
  const qs = questions ?? (await draftQuestions(turn.tx, d.id));
  const next = qs.findIndex((x) => x.position > q.position);
  if (next >= 0) return askQuestion(turn, qs, next, prefix);
  const commentable = qs.filter((x) => x.allowComment);
  if (commentable.length) return askComment(turn, d, commentable[commentable.length - 1]!.id, prefix);
  turn.setState({ step: "idle" });
  const done = t(turn.locale, "answer.done", { date: deadline(turn, d) });
  turn.reply({ text: prefix ? `${prefix}\n\n${done}` : done });
}

/**
 * A choice (button "choice:<q>:<i>" or matched text). Until the deadline it becomes the current answer and
 * goes into the history; the same choice again changes nothing and, unless it answers the question being
 * asked, says nothing. After the deadline it is kept in the history flagged late and the person is told.
 *
 * The hot path of inbound traffic, in two statements: one read (the draft's version, the current answer and
 * the commune the answer counts for); when the answer changes, the answer and its history are written with
 * the turn's final statement.
 */
export async function choose(turn: Turn, questionId: string, index: number): Promise<void> {
  const { tx, subscriber } = turn;
  if (!mayAnswer(turn)) return;
  const cache = turn.drafts ?? createDraftCache();
  let snap = cache.byQuestion(questionId) ?? (await cache.load(tx, questionId));
  if (!snap) return unknownDraft(turn);
  let r = turn.prefetched?.choice;
  if (!r || r.questionId !== questionId || r.draftId !== snap.draft.id) {
    const [row] = await queryRowsPrepared<ChoiceReads>(tx, sql`select ${choiceReadsSql(questionId, snap.draft.id, subscriber.id)}`);
    r = { ...row!, questionId, draftId: snap.draft.id };
  }
  if (r.version !== snap.version) {
    // The draft or its questions changed since they were cached (or were deleted): read them again.
    snap = await cache.load(tx, questionId);
    if (!snap) return unknownDraft(turn);
  }
  return chooseWith(turn, snap, questionId, index, r);
}

/** What a press needs besides the draft: the draft's current version, the current answer, the commune. */
interface ChoiceReads {
  version: string | null;
  current: number | null;
  unit: string | null;
}

/** Prefetched for a press by the turn's first statement (see `choicePrefetch`), for this question and draft. */
export interface PrefetchedChoice extends ChoiceReads {
  questionId: string;
  draftId: string;
}

/** The three reads as select-list columns named <prefix>version, <prefix>current, <prefix>unit. */
function choiceReadsSql(questionId: string, draftId: string, subscriberId: string | SQL, prefix = ""): SQL {
  const as = (name: string) => sql.raw(`${prefix}${name}`);
  return sql`${draftVersionSql(draftId)} as ${as("version")},
    (select choice_index from answers where question_id = ${questionId} and subscriber_id = ${subscriberId}) as ${as("current")},
    ${unitForAnswerSql(subscriberId, draftId)} as ${as("unit")}`;
}

/**
 * For a button press on a question whose draft is cached: the reads `choose` needs, as columns the turn's
 * first statement adds (one round trip fewer). They are read in that statement's snapshot, before the
 * person's lock is granted; that is safe because any turn of the same person committed meanwhile changed
 * the conversation row, and the turn's save then fails and the turn runs again (StaleConversation).
 */
export function choicePrefetch(turnDrafts: DraftCache, action: string): { columns: (subscriberId: SQL) => SQL; take: (row: Record<string, unknown>) => PrefetchedChoice } | null {
  const a = decodeAction(action);
  if (a?.type !== "choice") return null;
  const snap = turnDrafts.byQuestion(a.questionId);
  if (!snap) return null;
  const draftId = snap.draft.id;
  return {
    columns: (subscriberId) => choiceReadsSql(a.questionId, draftId, subscriberId, "_pc_"),
    take: (row) => ({
      questionId: a.questionId,
      draftId,
      version: row._pc_version as string | null,
      current: row._pc_current as number | null,
      unit: row._pc_unit as string | null,
    }),
  };
}

async function chooseWith(turn: Turn, snap: DraftSnapshot, questionId: string, index: number, r: ChoiceReads): Promise<void> {
  const { tx, subscriber, locale } = turn;
  const d = snap.draft;
  const q = snap.questions.find((x) => x.id === questionId)!;
  const label = q.choices[index];
  if (label === undefined) {
    turn.reply(text(locale, "common.unknownAction"));
    return;
  }
  const unitCode = r.unit;
  const period = periodOf(d, turn.now);
  if (period === "closed") {
    const [last] = await tx
      .select({ choiceIndex: answerHistory.choiceIndex, late: answerHistory.late })
      .from(answerHistory)
      .where(and(eq(answerHistory.questionId, q.id), eq(answerHistory.subscriberId, subscriber.id)))
      .orderBy(desc(answerHistory.id))
      .limit(1);
    if (!(last?.late && last.choiceIndex === index)) {
      await tx.insert(answerHistory).values({
        questionId: q.id,
        subscriberId: subscriber.id,
        draftId: d.id,
        choiceIndex: index,
        unitCode,
        channel: subscriber.channel,
        late: true,
      });
    }
    turn.setState({ step: "idle" });
    turn.reply(text(locale, "answer.closedKept", { title: d.title, date: deadline(turn, d) }));
    return;
  }
  if (refuse(turn, d)) return;
  const current = r.current;
  const asking = turn.state.step === "answer" && turn.state.questionId === q.id;
  if (current === index) {
    // Pressed again: nothing is written twice. Move on only if this question is the one being asked.
    if (asking) await advance(turn, d, q, undefined, snap.questions);
    return;
  }
  const channel = subscriber.channel;
  // Written with the turn's final statement (nothing later in the turn reads them).
  turn.defer(sql`insert into answers (question_id, subscriber_id, draft_id, choice_index, unit_code, channel)
    values (${q.id}, ${subscriber.id}, ${d.id}, ${index}, ${unitCode}, ${channel})
    on conflict (question_id, subscriber_id) do update
      set choice_index = excluded.choice_index, unit_code = excluded.unit_code, channel = excluded.channel, updated_at = now()`);
  turn.defer(sql`insert into answer_history (question_id, subscriber_id, draft_id, choice_index, unit_code, channel)
    values (${q.id}, ${subscriber.id}, ${d.id}, ${index}, ${unitCode}, ${channel})`);
  const prefix = t(locale, current === null ? "answer.recorded" : "answer.changed", { choice: label });
  await advance(turn, d, q, prefix, snap.questions);
}

function unknownDraft(turn: Turn): void {
  turn.setState({ step: "idle" });
  turn.reply(text(turn.locale, "answer.draftUnknown"));
}

/** Text typed while a question waits: "1", "a", "đồng ý", "dong y"… or the question again. */
export async function answerText(turn: Turn, questionId: string, typed: string): Promise<void> {
  const q = await findQuestion(turn.tx, questionId);
  if (!q) {
    turn.setState({ step: "idle" });
    turn.reply(text(turn.locale, "answer.draftUnknown"));
    return;
  }
  const index = matchChoice(typed, q.choices);
  if (index !== null) return choose(turn, q.id, index);
  const qs = await draftQuestions(turn.tx, q.draftId);
  const i = qs.findIndex((x) => x.id === q.id);
  await askQuestion(turn, qs, Math.max(0, i), t(turn.locale, "answer.notMatched", { count: q.choices.length }));
}
