import type { Button, OutboundMessage } from "../channels/message.js";
import type { SubscriptionRole } from "../db/schema/index.js";
import { t } from "../i18n/index.js";
import { act, encodeAction } from "./actions.js";
import { localDate as formatDate, localTime as formatTime } from "../text/local-time.js";
import { truncate } from "../text/truncate.js";
import { button, withButtons } from "./replies.js";

/** "17:00 ngày 30/06/2026": a deadline in the service's time zone (every message that states a deadline). */
export function deadlineText(locale: string, at: Date, timeZone: string): string {
  return t(locale, "answer.deadline", { time: formatTime(at, timeZone), date: formatDate(at, timeZone) });
}

/** A question as asked: "Câu n/total", the person's current answer or how to type one, one button per choice. */
export function questionMessage(
  locale: string,
  q: { id: string; text: string; article: string | null; choices: string[] },
  position: { n: number; total: number },
  opts: { prefix?: string | undefined; current?: string | undefined } = {},
): OutboundMessage {
  const params = { n: position.n, total: position.total, text: q.text, article: q.article ?? "" };
  const parts = opts.prefix ? [opts.prefix] : [];
  parts.push(t(locale, q.article ? "answer.questionArticle" : "answer.question", params));
  parts.push(opts.current === undefined ? t(locale, "answer.typeHint") : t(locale, "answer.current", { choice: opts.current }));
  return withButtons(
    parts.join("\n\n"),
    q.choices.map((c, idx) => button(`${idx + 1}. ${c}`, encodeAction({ type: "choice", questionId: q.id, index: idx }))),
  );
}

/** After the last question: the optional comment, with a "skip" button. */
export function commentAskMessage(locale: string, prefix?: string): OutboundMessage {
  const parts = prefix ? [prefix] : [];
  parts.push(t(locale, "answer.commentAsk"));
  return withButtons(parts.join("\n\n"), [button(t(locale, "answer.skipLabel"), act.skip())]);
}

/** Each summary part of "Xem thêm" is cut to this many characters so the message fits every platform. */
const PART_MAX = 900;

function cut(s: string | null): string | null {
  if (!s?.trim()) return null;
  return truncate(s.trim(), PART_MAX);
}

export interface DraftDetails {
  id: string;
  title: string;
  summaryNecessity: string | null;
  summaryMainContent: string | null;
  summaryRightsChanges: string | null;
  summaryOther: string | null;
  fullTextUrl: string;
}

/**
 * "Xem thêm": the four summary parts (plan II.2 a–d), the deadline (`deadline`, already formatted) and the
 * full-text link; a "Góp ý" button while the period is open.
 */
export function draftDetailsMessage(locale: string, d: DraftDetails, open: boolean, closed: boolean, deadline: string): OutboundMessage {
  const none = t(locale, "more.none");
  const parts = [
    d.title,
    `${t(locale, "more.necessity")}\n${cut(d.summaryNecessity) ?? none}`,
    `${t(locale, "more.mainContent")}\n${cut(d.summaryMainContent) ?? none}`,
    `${t(locale, "more.rightsChanges")}\n${cut(d.summaryRightsChanges) ?? none}`,
    `${t(locale, "more.other")}\n${cut(d.summaryOther) ?? none}`,
    [t(locale, closed ? "more.closed" : "more.deadline", { date: deadline }), t(locale, "more.fullText", { url: d.fullTextUrl })].join("\n"),
  ];
  const buttons: Button[][] = [];
  if (open) buttons.push([{ label: t(locale, "answer.button"), action: encodeAction({ type: "answer", draftId: d.id }) }]);
  buttons.push([{ label: t(locale, "more.fullTextLabel"), action: "url", url: d.fullTextUrl }]);
  return { text: parts.join("\n\n"), buttons };
}

/** "My communes": the communes followed (with the role when not a resident), a button to remove each, one to add. */
/** "Phường Đông Kinh", or "Phường Đông Kinh (tuyên truyền viên)" for a role other than resident. */
export function unitWithRole(locale: string, s: { unitName: string; role: SubscriptionRole }): string {
  return s.role === "resident" ? s.unitName : `${s.unitName} (${t(locale, s.role === "officer" ? "sub.role.officer" : "sub.role.propagandist")})`;
}

export function subscriptionsMessage(locale: string, subs: { unitCode: string; unitName: string; role: SubscriptionRole }[]): OutboundMessage {
  const lines = subs.map((s) => `• ${unitWithRole(locale, s)}`);
  const buttons = subs.filter((s) => s.role === "resident").map((s) => button(t(locale, "sub.removeLabel", { unit: s.unitName }), act.remove(s.unitCode)));
  buttons.push(button(t(locale, "sub.addLabel"), act.add()));
  return withButtons(t(locale, "sub.list", { units: lines.join("\n") }), buttons);
}
