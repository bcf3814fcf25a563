import { t, type Locale } from "../../i18n/index.js";
import { localDate, localStamp } from "../../text/local-time.js";
import { channelLabel } from "../../report/tables.js";
import type { DraftDigest } from "./data.js";

const DAY = 86_400_000;

export interface RenderOptions {
  timeZone: string;
  /** Days of the Zalo OA messaging window (config.ZALO_OA_WINDOW_DAYS), named in the out-of-reach line. */
  windowDays: number;
}


function percent(locale: Locale, part: number, whole: number): string {
  if (!whole) return "–";
  return new Intl.NumberFormat(locale === "en" ? "en-GB" : "vi-VN", { style: "percent", maximumFractionDigits: 0 }).format(part / whole);
}

/** Whole days left, rounded up: "1" on the last day. */
export function daysLeft(closesAt: Date, now: Date): number {
  return Math.max(0, Math.ceil((closesAt.getTime() - now.getTime()) / DAY));
}

function renderDraft(locale: Locale, d: DraftDigest, now: Date, opts: RenderOptions): string {
  const lines = [
    t(locale, "digest.draftTitle", { title: d.title }),
    t(locale, "digest.daysLeft", { days: daysLeft(d.closesAt, now), deadline: localStamp(d.closesAt, opts.timeZone) }),
    t(locale, "digest.participation", { respondents: d.respondents, subscribers: d.subscribers, percent: percent(locale, d.respondents, d.subscribers) }),
    d.since
      ? t(locale, "digest.newAnswersSince", { since: localStamp(d.since, opts.timeZone), count: d.newAnswers })
      : t(locale, "digest.newAnswersAll", { count: d.newAnswers }),
  ];
  for (const q of d.questions) {
    lines.push(t(locale, "digest.question", { number: q.number, text: q.text }));
    for (const c of q.choices) lines.push(t(locale, "digest.choice", { choice: c.label, new: c.added, total: c.total }));
  }
  if (d.communes.length) {
    const list = d.communes.map((c) => t(locale, "digest.commune", { name: c.name, respondents: c.respondents, subscribers: c.subscribers })).join("; ");
    lines.push(t(locale, "digest.communes", { list }));
  }
  // Per channel, and offline beside it: shown when feedback came from more than one source.
  if (d.byChannel.length > 1 || d.offline.meetings) {
    const list = d.byChannel.map((c) => t(locale, "digest.channel", { channel: channelLabel(locale, c.channel), respondents: c.respondents, answers: c.answers })).join("; ");
    if (list) lines.push(t(locale, "digest.byChannel", { list }));
  }
  if (d.offline.meetings) lines.push(t(locale, "digest.offline", { ...d.offline }));
  lines.push(t(locale, "digest.commentsNew", { count: d.newComments }));
  for (const c of d.sample) lines.push(c.unit ? t(locale, "digest.comment", { text: c.text, unit: c.unit }) : t(locale, "digest.commentNoUnit", { text: c.text }));
  if (d.flagged) lines.push(t(locale, "digest.flagged", { count: d.flagged }));
  lines.push(t(locale, "digest.outOfReach", { ...d.outOfReach, days: opts.windowDays }));
  if (d.lateRelays.count) {
    const units = [...d.lateRelays.units, ...(d.lateRelays.moreUnits ? [t(locale, "digest.andMore", { count: d.lateRelays.moreUnits })] : [])].join(", ");
    lines.push(t(locale, "digest.relaysLate", { count: d.lateRelays.count, units }));
  }
  return lines.join("\n");
}

/** One officer's digest: a header, then one section per open draft (soonest deadline first). */
export function renderDigest(locale: Locale, digests: DraftDigest[], now: Date, opts: RenderOptions): string {
  const header = t(locale, "digest.header", { date: localDate(now, opts.timeZone), count: digests.length });
  return [header, ...digests.map((d) => renderDraft(locale, d, now, opts))].join("\n\n");
}
