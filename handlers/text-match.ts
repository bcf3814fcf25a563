import { catalogues, type MessageKey } from "../src/i18n/index.js";
import { fold } from "../src/text/fold.js";

/** The words of a "match.*" catalogue key, from every locale's catalogue (residents may type either language). */
function words(key: MessageKey): string[] {
  return Object.values(catalogues).flatMap((c) => c[key].split("|").map((w) => w.trim()).filter(Boolean));
}

/** Whether the text carries Vietnamese diacritics (tone marks or đ). */
function hasDiacritics(text: string): boolean {
  return /[\u0300-\u036f]|đ|Đ/.test(text.normalize("NFD"));
}

/** "/stop@gopy_bot" → "/stop": Telegram adds the bot name to commands in groups. */
function stripBotSuffix(text: string): string {
  return text.replace(/^\/(\w+)@\w+/, "/$1");
}

function plainLower(text: string): string {
  return stripBotSuffix(text.normalize("NFC").trim()).toLowerCase().replace(/\s+/g, " ").replace(/^\//, "");
}

const STOP_FOLDED = new Set(words("match.stop"));
/** The accepted spellings with diacritics: "đúng" (correct) folds like "dừng" (stop) but must not stop. */
const STOP_MARKED = new Set(words("match.stopMarked"));

/** STOP, /stop, huỷ, hủy, huy, dừng, dung — the whole message, any case, with or without diacritics. */
export function isStop(text: string): boolean {
  const f = fold(stripBotSuffix(text));
  if (!STOP_FOLDED.has(f)) return false;
  if (!hasDiacritics(text)) return true;
  // Punctuation is ignored as `fold` ignores it ("Huỷ." like "huy."), the marks are kept.
  return STOP_MARKED.has(plainLower(text).replace(/[^\p{L}\p{M}\p{N}]+/gu, " ").trim().replace(/\s+/g, " "));
}

export interface Command {
  name: string;
  arg?: string;
}

/** "/start c_06529" → { name: "start", arg: "c_06529" }; not a command → null. */
export function parseCommand(text: string): Command | null {
  const m = /^\/([A-Za-z_]{1,32})(?:@\w+)?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!m) return null;
  const arg = m[2]?.trim();
  return arg ? { name: m[1]!.toLowerCase(), arg } : { name: m[1]!.toLowerCase() };
}

const HELP = new Set(words("match.help"));
const SUBS = new Set(words("match.subs"));
const SKIP = new Set(words("match.skip"));
const YES = new Set(words("match.yes"));
const NO = new Set(words("match.no"));
/** Words put before a choice ("chọn 2", "phương án a"), dropped before matching. */
const CHOICE_LEAD_IN = new RegExp(`^(${words("match.choiceLeadIn").join("|")})\\s+`);
/** "Điều 5: …": the article word, in the spellings typed. */
const ARTICLE = new RegExp(`^\\s*(?:${words("match.articleWord").join("|")})\\s*(\\d{1,3}[a-zđ]?)\\s*(?:[:.,\\-–—]\\s*|\\s+)([\\s\\S]+)$`, "iu");

const MY_DATA = new Set(words("match.myData"));
const ERASE = new Set(words("match.erase"));
const WITHDRAW = new Set(words("match.withdraw"));
const DATA_COMMANDS: Record<string, DataRightsRequest> = { dulieu: "data", mydata: "data", xoadulieu: "erase", deletemydata: "erase", rutdongy: "withdraw", withdraw: "withdraw" };

/** The residents' data rights: see what is kept, erase it, withdraw consent. */
export type DataRightsRequest = "data" | "erase" | "withdraw";

/** "/dulieu", "dữ liệu của tôi", "/xoadulieu", "xoá dữ liệu", "/rutdongy", "rút đồng ý"… → the request; else null. */
export function dataRightsRequest(text: string, command: string | undefined): DataRightsRequest | null {
  if (command !== undefined) return DATA_COMMANDS[command] ?? null;
  const f = fold(text);
  if (MY_DATA.has(f)) return "data";
  if (ERASE.has(f)) return "erase";
  if (WITHDRAW.has(f)) return "withdraw";
  return null;
}

export const isHelp = (text: string) => text.trim() === "?" || HELP.has(fold(text));
export const isSubsRequest = (text: string) => SUBS.has(fold(text));
export const isSkip = (text: string) => SKIP.has(fold(text));
export const isYes = (text: string) => YES.has(fold(text));
export const isNo = (text: string) => NO.has(fold(text));

/** No letter and no digit: emoji, stickers sent as text, punctuation. */
export function isEmojiOnly(text: string): boolean {
  return !/[\p{L}\p{N}]/u.test(text);
}

/**
 * Match a typed reply to one of a question's choices: "1" (number), "a" (letter), the label with or
 * without diacritics ("dong y" for "Đồng ý"), or an unambiguous beginning of a label. Returns the
 * 0-based index or null.
 */
export function matchChoice(text: string, choices: string[]): number | null {
  const typed = fold(text);
  // A whole label wins before any lead-in word is dropped ("Ý kiến khác" is a label, not "ý kiến" + "khác").
  const whole = choices.findIndex((c) => fold(c) === typed);
  if (typed && whole >= 0) return whole;
  const f = typed.replace(CHOICE_LEAD_IN, "");
  if (!f) return null;
  if (/^\d{1,2}$/.test(f)) {
    const n = Number(f);
    return n >= 1 && n <= choices.length ? n - 1 : null;
  }
  const labels = choices.map((c) => fold(c));
  if (/^[a-z]$/.test(f)) {
    const i = f.charCodeAt(0) - 97;
    const exact = labels.indexOf(f);
    if (exact >= 0) return exact;
    return i < choices.length ? i : null;
  }
  const exact = labels.indexOf(f);
  if (exact >= 0) return exact;
  // "1. Đồng ý", "a) đồng ý": the marker must agree with the label.
  const marked = /^(\d{1,2}|[a-z])\s+(.+)$/.exec(f);
  if (marked) {
    const i = labels.indexOf(marked[2]!);
    if (i >= 0) return i;
  }
  if (f.length >= 2) {
    const starts = labels.flatMap((l, i) => (l.startsWith(f) ? [i] : []));
    if (starts.length === 1) return starts[0]!;
  }
  return null;
}

/** "Điều 5: ..." / "dieu 12a - ..." → the article and the comment without it. */
export function parseArticle(text: string): { article: string | null; body: string } {
  const m = ARTICLE.exec(text.normalize("NFC"));
  if (!m) return { article: null, body: text.trim() };
  return { article: `Điều ${m[1]!.toLowerCase()}`, body: m[2]!.trim() };
}

/** "ABCD2345", "abcd-2345", "i_ABCD2345" → "ABCD2345"; anything else → null. */
export function inviteCodeOf(text: string): string | null {
  const m = /^(?:i_)?([A-Za-z2-9]{4})-?([A-Za-z2-9]{4})$/.exec(text.trim());
  return m ? (m[1]! + m[2]!).toUpperCase() : null;
}
