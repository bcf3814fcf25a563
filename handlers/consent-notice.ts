import { t } from "../src/i18n/index.js";
import { act, button, withButtons } from "./replies.js";
import type { Pending, Turn } from "./types.js";

/**
 * The first subscription (or invite) shows a two-line notice of what is kept and why, and asks consent.
 * Until then nothing is recorded but the chat id and the conversation step.
 */
export function askConsent(turn: Turn, pending: Pending, key: "sub.consent" | "sub.consentAsk" = "sub.consent"): void {
  const { locale } = turn;
  turn.setState({ step: "consent", pending });
  turn.reply(withButtons(t(locale, key), [button(t(locale, "sub.consentYes"), act.consentYes()), button(t(locale, "sub.consentNo"), act.consentNo())]));
}
