import { consentNotice } from "../src/messages/replies.js";
import type { Pending, Turn } from "./types.js";

/**
 * The first subscription (or invite) shows a two-line notice of what is kept and why, and asks consent.
 * Until then nothing is recorded but the chat id and the conversation step.
 */
export function askConsent(turn: Turn, pending: Pending, key: "sub.consent" | "sub.consentAsk" = "sub.consent"): void {
  turn.setState({ step: "consent", pending });
  turn.reply(consentNotice(turn.locale, key));
}
