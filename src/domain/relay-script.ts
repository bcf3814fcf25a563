import { wallClockDate } from "../text/local-time.js";
import { t, type Locale } from "../i18n/index.js";

/**
 * The read-aloud script a propagandist reads on the commune loudspeaker or pins on the bulletin board,
 * written for speaking: no links, no emoji, dates and times in words ("17 giờ ngày 06 tháng 01 năm
 * 2027"), one short sentence per line, how to take part said in words (the commune's QR poster), and
 * a note to the propagandist first (press «Đã đọc» when done). Pure: every input is a parameter.
 */
export interface RelayScriptInput {
  /** The commune's name ("Phường Đông Kinh"); a placeholder the caller replaces per commune is fine. */
  unit: string;
  agency: string;
  title: string;
  necessity: string;
  mainContent: string;
  rightsChanges: string;
  closesAt: Date;
  timeZone: string;
}

/** Characters kept from each summary part: a loudspeaker reading stays a couple of minutes. */
const PART_CHARS = 900;
const URL = /\b(?:https?:\/\/|www\.)[^\s)\]]+/giu;
const EMOJI = /\p{Extended_Pictographic}|\u{FE0F}|\u{200D}|\u{20E3}/gu;

/** Text fit to be read aloud: links and emoji removed, whitespace folded. */
export function speakable(text: string): string {
  return text.replace(URL, "").replace(EMOJI, "").replace(/\(\s*\)/g, "").replace(/[ \t]+/g, " ").replace(/\s*\n\s*/g, "\n").trim();
}

/** One sentence per line: a reader pauses at each line. */
export function sentences(text: string): string[] {
  return speakable(text)
    .split(/(?<=[.!?…;])\s+|\n+/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Cut at a sentence end within `max` characters where possible (else at a word), ending with a full stop. */
function upTo(text: string, max: number): string[] {
  const out: string[] = [];
  let used = 0;
  for (const s of sentences(text)) {
    if (used + s.length > max) {
      if (!out.length) {
        const cut = s.slice(0, max);
        out.push(`${cut.slice(0, Math.max(cut.lastIndexOf(" "), 1)).trim()}.`);
      }
      break;
    }
    out.push(/[.!?…]$/u.test(s) ? s : `${s.replace(/[;,:]$/u, "")}.`);
    used += s.length;
  }
  return out;
}

/** "17 giờ ngày 06 tháng 01 năm 2027" / "17:00 on 6 January 2027", in the time zone. */
export function spokenDateTime(locale: Locale, at: Date, timeZone: string): string {
  const w = wallClockDate(at, timeZone);
  const pad = (n: number) => String(n).padStart(2, "0");
  const hour = w.getUTCHours();
  const minute = w.getUTCMinutes();
  const time = minute ? t(locale, "relay.script.timeMinutes", { hour, minute: pad(minute) }) : t(locale, "relay.script.time", { hour });
  const monthName = new Intl.DateTimeFormat("en-GB", { month: "long", timeZone: "UTC" }).format(w);
  const date = t(locale, "relay.script.date", { day: locale === "vi" ? pad(w.getUTCDate()) : w.getUTCDate(), month: pad(w.getUTCMonth() + 1), monthName, year: w.getUTCFullYear() });
  return t(locale, "relay.script.at", { time, date });
}

export function composeRelayScript(locale: Locale, d: RelayScriptInput): string {
  const unit = speakable(d.unit);
  const part = (heading: "relay.script.necessity" | "relay.script.main" | "relay.script.rights", text: string) => {
    const body = upTo(text, PART_CHARS);
    return body.length ? [t(locale, heading), ...body] : [];
  };
  const lines = [
    t(locale, "relay.script.header", { unit }),
    "",
    t(locale, "relay.script.greeting"),
    t(locale, "relay.script.intro", { agency: speakable(d.agency), title: speakable(d.title).replace(/[.\s]+$/u, "") }),
    ...part("relay.script.necessity", d.necessity),
    ...part("relay.script.main", d.mainContent),
    ...part("relay.script.rights", d.rightsChanges),
    t(locale, "relay.script.deadline", { deadline: spokenDateTime(locale, d.closesAt, d.timeZone) }),
    ...sentences(t(locale, "relay.script.how", { unit })),
    t(locale, "relay.script.thanks"),
  ];
  return lines.join("\n");
}
