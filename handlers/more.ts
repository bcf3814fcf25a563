import type { Button } from "../src/channels/message.js";
import { periodOf } from "../src/domain/residents/index.js";
import { t } from "../src/i18n/index.js";
import { encodeAction } from "../src/messages/actions.js";
import { text } from "../src/messages/replies.js";
import { deadline } from "./answer.js";
import type { Turn } from "./types.js";

/** Each summary part is cut to this many characters so the message fits every platform. */
const PART_MAX = 900;

function cut(s: string | null): string | null {
  if (!s?.trim()) return null;
  const chars = Array.from(s.trim());
  return chars.length > PART_MAX ? chars.slice(0, PART_MAX - 1).join("") + "…" : chars.join("");
}

/** "Xem thêm": the four summary parts (plan II.2 a–d), the deadline and the full-text link. */
export async function more(turn: Turn, draftId: string): Promise<void> {
  const { locale } = turn;
  const d = await turn.residents.draft(draftId);
  const period = d ? periodOf(d, turn.now) : "gone";
  if (!d || period === "gone") {
    turn.reply(text(locale, "answer.draftUnknown"));
    return;
  }
  const none = t(locale, "more.none");
  const parts = [
    d.title,
    `${t(locale, "more.necessity")}\n${cut(d.summaryNecessity) ?? none}`,
    `${t(locale, "more.mainContent")}\n${cut(d.summaryMainContent) ?? none}`,
    `${t(locale, "more.rightsChanges")}\n${cut(d.summaryRightsChanges) ?? none}`,
    `${t(locale, "more.other")}\n${cut(d.summaryOther) ?? none}`,
    [
      t(locale, period === "closed" ? "more.closed" : "more.deadline", { date: deadline(turn, d) }),
      t(locale, "more.fullText", { url: d.fullTextUrl }),
    ].join("\n"),
  ];
  const buttons: Button[][] = [];
  if (period === "open") buttons.push([{ label: t(locale, "answer.button"), action: encodeAction({ type: "answer", draftId: d.id }) }]);
  buttons.push([{ label: t(locale, "more.fullTextLabel"), action: "url", url: d.fullTextUrl }]);
  turn.reply({ text: parts.join("\n\n"), buttons });
}
