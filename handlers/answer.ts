import { periodOf, type DraftRow, type QuestionRow } from "../src/domain/residents/index.js";
import { t } from "../src/i18n/index.js";
import { commentAskMessage, deadlineText, questionMessage } from "../src/messages/conversation.js";
import { text } from "../src/messages/replies.js";
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
  return deadlineText(turn.locale, d.commentClosesAt, turn.timeZone);
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
  const d = await turn.residents.draft(draftId);
  if (refuse(turn, d) || !d) return;
  if (!(await turn.residents.draftTargetsMe(d.id))) return notYourCommune(turn, d);
  const qs = await turn.residents.questions(d.id);
  const intro = t(turn.locale, "answer.intro", { title: d.title, date: deadline(turn, d) });
  if (!qs.length) return askComment(turn, d, null, intro);
  await askQuestion(turn, qs, 0, intro);
}

async function askQuestion(turn: Turn, qs: QuestionRow[], i: number, prefix?: string): Promise<void> {
  const q = qs[i]!;
  const current = await turn.residents.currentChoice(q.id);
  turn.setState({ step: "answer", draftId: q.draftId, questionId: q.id });
  turn.reply(questionMessage(turn.locale, q, { n: i + 1, total: qs.length }, { prefix, current: current === null ? undefined : q.choices[current] }));
}

/** After the last question: the optional comment, if the draft takes comments; otherwise thanks. */
function askComment(turn: Turn, d: DraftRow, questionId: string | null, prefix?: string): void {
  turn.setState({ step: "comment", draftId: d.id, questionId });
  turn.reply(commentAskMessage(turn.locale, prefix));
}

async function advance(turn: Turn, d: DraftRow, q: QuestionRow, prefix?: string, questions?: QuestionRow[]): Promise<void> {
  const qs = questions ?? (await turn.residents.questions(d.id));
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
 * The hot path of inbound traffic: one read at most (`choiceContext`: the draft's version, the current answer
 * and the commune the answer counts for, often prefetched by the turn's first statement); when the answer
 * changes, the answer and its history are written with the turn's final statement.
 */
export async function choose(turn: Turn, questionId: string, index: number): Promise<void> {
  if (!mayAnswer(turn)) return;
  const c = await turn.residents.choiceContext(questionId);
  if (!c) return unknownDraft(turn);
  const { snapshot, current, unit } = c;
  const d = snapshot.draft;
  const q = snapshot.questions.find((x) => x.id === questionId)!;
  const { locale } = turn;
  const label = q.choices[index];
  if (label === undefined) {
    turn.reply(text(locale, "common.unknownAction"));
    return;
  }
  if (!c.targeted) return notYourCommune(turn, d);
  const record = { questionId: q.id, draftId: d.id, index, unitCode: unit };
  if (periodOf(d, turn.now) === "closed") {
    await turn.residents.recordLateChoice(record);
    turn.setState({ step: "idle" });
    turn.reply(text(locale, "answer.closedKept", { title: d.title, date: deadline(turn, d) }));
    return;
  }
  if (refuse(turn, d)) return;
  const asking = turn.state.step === "answer" && turn.state.questionId === q.id;
  if (current === index) {
    // Pressed again: nothing is written twice. Move on only if this question is the one being asked.
    if (asking) await advance(turn, d, q, undefined, snapshot.questions);
    return;
  }
  turn.residents.recordChoice(record);
  const prefix = t(locale, current === null ? "answer.recorded" : "answer.changed", { choice: label });
  await advance(turn, d, q, prefix, snapshot.questions);
}

/** A draft of other communes (an old button, a typed action): refused, nothing written. */
function notYourCommune(turn: Turn, d: DraftRow): void {
  turn.setState({ step: "idle" });
  turn.reply(text(turn.locale, "answer.notYourCommune", { title: d.title }));
}

function unknownDraft(turn: Turn): void {
  turn.setState({ step: "idle" });
  turn.reply(text(turn.locale, "answer.draftUnknown"));
}

/** Text typed while a question waits: "1", "a", "đồng ý", "dong y"… or the question again. */
export async function answerText(turn: Turn, questionId: string, typed: string): Promise<void> {
  const q = await turn.residents.question(questionId);
  if (!q) {
    turn.setState({ step: "idle" });
    turn.reply(text(turn.locale, "answer.draftUnknown"));
    return;
  }
  const index = matchChoice(typed, q.choices);
  if (index !== null) return choose(turn, q.id, index);
  const qs = await turn.residents.questions(q.draftId);
  const i = qs.findIndex((x) => x.id === q.id);
  await askQuestion(turn, qs, Math.max(0, i), t(turn.locale, "answer.notMatched", { count: q.choices.length }));
}
