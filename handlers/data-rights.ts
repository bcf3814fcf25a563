import { noticeCopyMessage, personalDataMessage, eraseQuestion } from "../src/messages/personal-data.js";
import { text } from "../src/messages/replies.js";
import { eraseOrDecline } from "./stop.js";
import { isNo, isYes, type DataRightsRequest } from "./text-match.js";
import type { Turn } from "./types.js";

/** `/dulieu`, `/xoadulieu`, `/rutdongy` (and their words), in every channel and whatever the status. */
export async function dataRights(turn: Turn, request: DataRightsRequest): Promise<void> {
  if (request === "data") return myData(turn);
  return askErase(turn, request === "withdraw");
}

/** What is kept about the person, and a copy of the consent notice they agreed to. The conversation goes on. */
async function myData(turn: Turn): Promise<void> {
  const data = await turn.residents.personalData();
  turn.reply(personalDataMessage(turn.locale, data, turn.timeZone));
  const agreed = data.consents[0]?.noticeVersion;
  if (agreed) turn.reply(noticeCopyMessage(turn.locale, agreed));
}

/**
 * Erasing (or withdrawing consent, which erases the same way) asks to confirm first. Someone who never
 * consented has nothing kept but the chat id: erased at once.
 */
function askErase(turn: Turn, withdraw: boolean): void {
  if (!turn.subscriber.consentAt) {
    eraseOrDecline(turn, "stop.erased");
    return;
  }
  turn.setState({ step: "erase_confirm", withdraw });
  turn.reply(eraseQuestion(turn.locale, withdraw ? "withdraw.ask" : "erase.ask"));
}

/** The answer to the erase question (button, yes/no, or the button's number). */
export async function eraseAnswer(turn: Turn, yes: boolean): Promise<void> {
  const { state, locale } = turn;
  if (state.step !== "erase_confirm") {
    turn.reply(text(locale, "common.unknownAction"));
    return;
  }
  if (!yes) {
    turn.setState({ step: "idle" });
    turn.reply(text(locale, "erase.cancelled"));
    return;
  }
  await turn.residents.detachContributions();
  turn.log.info("subscriber asked to be erased", { withdraw: state.withdraw });
  eraseOrDecline(turn, state.withdraw ? "withdraw.done" : "erase.done");
}

/** Text typed while the erase question waits: yes ("1"), no ("2"), or the question again. */
export async function eraseStep(turn: Turn, typed: string): Promise<void> {
  if (typed === "1" || isYes(typed)) return eraseAnswer(turn, true);
  if (typed === "2" || isNo(typed)) return eraseAnswer(turn, false);
  turn.reply(eraseQuestion(turn.locale, "erase.askAgain"));
}
