import { comments } from "../src/db/schema/index.js";
import { t } from "../src/i18n/index.js";
import { deadline, mayAnswer } from "./answer.js";
import { findDraft, periodOf, unitForAnswer } from "./drafts.js";
import { text } from "./replies.js";
import { isEmojiOnly, isSkip, parseArticle } from "./text-match.js";
import type { Turn } from "./types.js";

/** The longest comment kept; longer ones are cut and the person is told. */
export const MAX_COMMENT_CHARS = 4000;

/** "bỏ qua" / "skip" (typed or pressed) while the comment is asked: finish without a comment. */
export async function skipComment(turn: Turn): Promise<void> {
  const { state, locale } = turn;
  if (state.step !== "comment") {
    turn.reply(text(locale, "common.unknownAction"));
    return;
  }
  const d = await findDraft(turn.tx, state.draftId);
  turn.setState({ step: "idle" });
  turn.reply(d ? text(locale, "answer.done", { date: deadline(turn, d) }) : text(locale, "answer.draftUnknown"));
}

/**
 * The free-text comment, optionally tied to an article ("Điều 5: …"). After the deadline it is kept,
 * flagged late (out of tallies) and the person is told the period has closed.
 */
export async function commentText(turn: Turn, typed: string): Promise<void> {
  const { state, locale, tx, subscriber } = turn;
  if (state.step !== "comment") return;
  if (isSkip(typed)) return skipComment(turn);
  if (isEmojiOnly(typed)) {
    turn.reply(text(locale, "comment.emojiOnly"));
    return;
  }
  if (!mayAnswer(turn)) return;
  const d = await findDraft(tx, state.draftId);
  const period = d ? periodOf(d, turn.now) : "gone";
  if (!d || period === "gone" || period === "not_open") {
    turn.setState({ step: "idle" });
    turn.reply(text(locale, period === "not_open" ? "answer.notOpen" : "answer.draftUnknown"));
    return;
  }
  const { article, body } = parseArticle(typed);
  const chars = Array.from(body);
  const truncated = chars.length > MAX_COMMENT_CHARS;
  const kept = truncated ? chars.slice(0, MAX_COMMENT_CHARS).join("") : body;
  const late = period === "closed";
  await tx.insert(comments).values({
    draftId: d.id,
    subscriberId: subscriber.id,
    questionId: state.questionId,
    unitCode: await unitForAnswer(tx, subscriber.id, d),
    channel: subscriber.channel,
    article,
    text: kept,
    late,
  });
  turn.log.info("comment stored", { draftId: d.id, late, truncated, chars: chars.length });
  turn.setState({ step: "idle" });
  const lines = [
    late
      ? t(locale, "answer.closedKept", { title: d.title, date: deadline(turn, d) })
      : article
        ? t(locale, "comment.savedArticle", { article })
        : t(locale, "comment.saved"),
  ];
  if (truncated) lines.push(t(locale, "comment.truncated", { max: MAX_COMMENT_CHARS }));
  turn.reply({ text: lines.join("\n") });
}
