import { text } from "../src/messages/replies.js";
import { askConsent } from "./consent-notice.js";
import { redeemInvite } from "./invite.js";
import { eraseOrDecline } from "./stop.js";
import { subscribeTo } from "./subscribe.js";
import { isNo, isYes } from "./text-match.js";
import type { Turn } from "./types.js";

/** The answer to the consent notice (button or typed yes/no). A decline erases the person. */
export async function consentAnswer(turn: Turn, yes: boolean): Promise<void> {
  const { state, subscriber, locale } = turn;
  if (state.step !== "consent") {
    // A stale consent button: nothing waits for consent.
    turn.reply(text(locale, subscriber.consentAt ? "common.unknownAction" : "sub.welcome"));
    return;
  }
  if (!yes) {
    if (!subscriber.consentAt) {
      eraseOrDecline(turn, "sub.declined");
      return;
    }
    turn.setState({ step: "idle" });
    turn.reply(text(locale, "sub.chooseOther"));
    return;
  }
  await turn.residents.setStatus("active", true);
  turn.subscriber = { ...subscriber, status: "active", consentAt: subscriber.consentAt ?? turn.now };
  turn.log.info("consent recorded");
  if (state.pending.kind === "unit") return subscribeTo(turn, state.pending.code);
  return redeemInvite(turn, state.pending.code);
}

/** Text typed while the consent notice waits: yes, no, or the question again. */
export async function consentStep(turn: Turn, typed: string): Promise<void> {
  if (isYes(typed)) return consentAnswer(turn, true);
  if (isNo(typed)) return consentAnswer(turn, false);
  if (turn.state.step === "consent") askConsent(turn, turn.state.pending, "sub.consentAsk");
}
