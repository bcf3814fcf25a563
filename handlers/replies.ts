import type { Button, OutboundMessage } from "../src/channels/message.js";
import { t, type MessageKey } from "../src/i18n/index.js";
import { encodeAction } from "./actions.js";

/** Raw actions the conversations put on their own buttons (besides answer/more/unsub/choice/read). */
export const act = {
  pick: (code: string) => encodeAction({ type: "raw", name: "pick", arg: code }),
  confirm: (code: string) => encodeAction({ type: "raw", name: "confirm", arg: code }),
  other: () => encodeAction({ type: "raw", name: "other" }),
  consentYes: () => encodeAction({ type: "raw", name: "consent", arg: "yes" }),
  consentNo: () => encodeAction({ type: "raw", name: "consent", arg: "no" }),
  remove: (code: string) => encodeAction({ type: "raw", name: "rm", arg: code }),
  add: () => encodeAction({ type: "raw", name: "add" }),
  subs: () => encodeAction({ type: "raw", name: "subs" }),
  help: () => encodeAction({ type: "raw", name: "help" }),
  skip: () => encodeAction({ type: "raw", name: "skip" }),
};

/** A plain text reply from the catalogue. */
export function text(locale: string, key: MessageKey, params: Record<string, string | number> = {}): OutboundMessage {
  return { text: t(locale, key, params) };
}

/** A reply with one button per row (long labels such as commune names read best stacked). */
export function withButtons(body: string, buttons: Button[]): OutboundMessage {
  return buttons.length ? { text: body, buttons: buttons.map((b) => [b]) } : { text: body };
}

export function button(label: string, action: string): Button {
  return { label, action };
}

/** The actions of a message's buttons, in the order a numbered fallback lists them. */
export function offeredActions(message: OutboundMessage | undefined): string[] {
  return (message?.buttons ?? []).flat().filter((b) => !b.url).map((b) => b.action);
}

export function helpReply(locale: string): OutboundMessage {
  return withButtons(t(locale, "help.text"), [button(t(locale, "help.subsLabel"), act.subs()), button(t(locale, "help.stopLabel"), "unsub")]);
}

/** "dd/mm/yyyy" in the service's time zone. */
export function formatDate(d: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, day: "2-digit", month: "2-digit", year: "numeric" }).format(d);
}

/** "HH:MM" (24 h) in the service's time zone. */
export function formatTime(d: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(d);
  const hh = parts.find((p) => p.type === "hour")?.value ?? "00";
  const mm = parts.find((p) => p.type === "minute")?.value ?? "00";
  return `${hh}:${mm}`;
}
