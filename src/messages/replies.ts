import type { Button, OutboundMessage } from "../channels/message.js";
import { t, type MessageKey } from "../i18n/index.js";
import { CONSENT_NOTICE_VERSION } from "../domain/residents/data-rights.js";
import { act, encodeAction } from "./actions.js";

/** A plain text message from the catalogue. */
export function text(locale: string, key: MessageKey, params: Record<string, string | number> = {}): OutboundMessage {
  return { text: t(locale, key, params) };
}

/** A message with one button per row (long labels such as commune names read best stacked). */
export function withButtons(body: string, buttons: Button[]): OutboundMessage {
  return buttons.length ? { text: body, buttons: buttons.map((b) => [b]) } : { text: body };
}

export function button(label: string, action: string): Button {
  return { label, action };
}

/** The help text, with "my communes" and "stop" buttons. */
export function helpReply(locale: string): OutboundMessage {
  return withButtons(t(locale, "help.text"), [button(t(locale, "help.subsLabel"), act.subs()), button(t(locale, "help.stopLabel"), encodeAction({ type: "unsub" }))]);
}

/**
 * The consent notice: two lines saying what is kept and why, with "agree" and "decline" buttons
 * (`sub.consentAsk` when it is asked again).
 */
export function consentNotice(locale: string, key: "sub.consent" | "sub.consentAsk" = "sub.consent"): OutboundMessage {
  return withButtons(t(locale, key, { version: CONSENT_NOTICE_VERSION }), [button(t(locale, "sub.consentYes"), act.consentYes()), button(t(locale, "sub.consentNo"), act.consentNo())]);
}
