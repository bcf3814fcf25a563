import { periodOf } from "../src/domain/residents/index.js";
import { draftDetailsMessage } from "../src/messages/conversation.js";
import { text } from "../src/messages/replies.js";
import { deadline } from "./answer.js";
import type { Turn } from "./types.js";

/** "Xem thêm": the four summary parts (plan II.2 a–d), the deadline and the full-text link. */
export async function more(turn: Turn, draftId: string): Promise<void> {
  const d = await turn.residents.draft(draftId);
  const period = d ? periodOf(d, turn.now) : "gone";
  if (!d || period === "gone") {
    turn.reply(text(turn.locale, "answer.draftUnknown"));
    return;
  }
  turn.reply(draftDetailsMessage(turn.locale, d, period === "open", period === "closed", deadline(turn, d)));
}
