import { keptComment, MAX_COMMENT_CHARS, periodOf } from "../src/domain/residents/index.js";
import { t } from "../src/i18n/index.js";
import { text } from "../src/messages/replies.js";
import { deadline, mayAnswer } from "./answer.js";
import { isEmojiOnly, isSkip, parseArticle } from "./text-match.js";
import type { Turn } from "./types.js";

/** "bỏ qua" / "skip" (typed or pressed) while the comment is asked: finish without a comment. */
export async function skipComment(turn: Turn): Promise<void> {
  const { state, locale } = turn;
  if (state.step !== "comment") {
    turn.reply(text(locale, "common.unknownAction"));
    return;
  }
  const d = await turn.residents.draft(state.draftId);
  turn.setState({ step: "idle" });
  turn.reply(d ? text(locale, "answer.done", { date: deadline(turn, d) }) : text(locale, "answer.draftUnknown"));
}

/**
 * The free-text comment, optionally tied to an article ("Điều 5: …"). After the deadline it is kept,
 * flagged late (out of tallies) and the person is told the period has closed.
 */
export async function commentText(turn: Turn, typed: string): Promise<void> {
  const { state, locale } = turn;
  if (state.step !== "comment") return;
  if (isSkip(typed)) return skipComment(turn);
  if (isEmojiOnly(typed)) {
    turn.reply(text(locale, "comment.emojiOnly"));
    return;
  }
  if (!mayAnswer(turn)) return;
  const d = await turn.residents.draft(state.draftId);
  const period = d ? periodOf(d, turn.now) : "gone";
  if (!d || period === "gone" || period === "not_open") {
    turn.setState({ step: "idle" });
    turn.reply(text(locale, period === "not_open" ? "answer.notOpen" : "answer.draftUnknown"));
    return;
  }
  const { article, body } = parseArticle(typed);
  const { kept, truncated, chars } = keptComment(body);
  const late = period === "closed";
  const outcome = await turn.residents.addComment({ draftId: d.id, questionId: state.questionId, article, text: kept, late });
  turn.setState({ step: "idle" });
  if (!outcome.stored) {
    turn.log.info("comment refused: per-draft limit", { draftId: d.id });
    turn.reply(text(locale, "comment.limit", { max: outcome.limit }));
    return;
  }
  turn.log.info("comment stored", { draftId: d.id, late, truncated, chars, flags: outcome.flags });
  const lines = [
    late
      ? t(locale, "answer.closedKept", { title: d.title, date: deadline(turn, d) })
      : article
        ? t(locale, "comment.savedArticle", { article })
        : t(locale, "comment.saved"),
  ];
  if (truncated) lines.push(t(locale, "comment.truncated", { max: MAX_COMMENT_CHARS }));
  if (outcome.flags.length) lines.push(t(locale, "comment.held"));
  turn.reply({ text: lines.join("\n") });
}
