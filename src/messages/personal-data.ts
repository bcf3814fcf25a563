import type { OutboundMessage } from "../channels/message.js";
import type { PersonalData } from "../domain/residents/data-rights.js";
import { CONSENT_NOTICE_VERSION } from "../domain/residents/data-rights.js";
import { t } from "../i18n/index.js";
import { act } from "./actions.js";
import { localDate as formatDate, localTime as formatTime } from "../text/local-time.js";
import { unitWithRole } from "./conversation.js";
import { button, withButtons } from "./replies.js";

/** `/dulieu`: what is kept about the person, line by line. */
export function personalDataMessage(locale: string, data: PersonalData, timeZone: string): OutboundMessage {
  const when = (at: Date) => ({ time: formatTime(at, timeZone), date: formatDate(at, timeZone) });
  const lines = [t(locale, "data.title"), t(locale, "data.channel", { channel: data.channel })];
  lines.push(data.displayName ? t(locale, "data.name", { name: data.displayName }) : t(locale, "data.noName"));
  const units = data.subscriptions.map((s) => unitWithRole(locale, s)).join(", ");
  lines.push(units ? t(locale, "data.communes", { units }) : t(locale, "data.noCommunes"));
  if (!data.consents.length) lines.push(t(locale, "data.noConsent"));
  for (const c of data.consents) {
    lines.push(t(locale, "data.consent", { purpose: t(locale, `data.purpose.${c.purpose}`), version: c.noticeVersion, ...when(c.givenAt) }));
  }
  lines.push(t(locale, "data.counts", { answers: data.answers, comments: data.comments }));
  if (data.lastActiveAt) lines.push(t(locale, "data.lastActive", when(data.lastActiveAt)));
  lines.push("", t(locale, "data.commands"));
  return { text: lines.join("\n") };
}

/** The copy of the consent notice the person agreed to (the current one, said so when they agreed to an older version). */
export function noticeCopyMessage(locale: string, agreed: string): OutboundMessage {
  const head = agreed === CONSENT_NOTICE_VERSION
    ? t(locale, "data.noticeCopy", { version: agreed })
    : t(locale, "data.noticeCurrent", { version: CONSENT_NOTICE_VERSION, agreed });
  return { text: `${head}\n\n${t(locale, "sub.consent", { version: CONSENT_NOTICE_VERSION })}` };
}

/** The question before erasing (`/xoadulieu`) or withdrawing consent (`/rutdongy`), with yes/no buttons. */
export function eraseQuestion(locale: string, key: "erase.ask" | "withdraw.ask" | "erase.askAgain"): OutboundMessage {
  return withButtons(t(locale, key), [button(t(locale, "erase.yes"), act.eraseYes()), button(t(locale, "erase.no"), act.eraseNo())]);
}
