import { fold } from "../../text/fold.js";
import { ABUSIVE_WORDS } from "./abusive-words.js";

/** Why a new comment is held for an officer before it reaches a digest. */
export type CommentFlag = "abusive" | "link" | "phone" | "email" | "repeated";

/** Vietnamese phone numbers: 0xxxxxxxxx (mobile), 0xxxxxxxxxx (landline), +84 / 84 / 0084 then 9–10 digits; spaces, dots or dashes between digits. */
export const PHONE = /(?<![\d+])(?:\+84|0084|84|0)(?:[\s.-]?\d){8,10}(?![\d])/g;
export const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
const LINK = /\b(?:https?:\/\/|www\.)\S+|\b[\p{L}\p{N}-]+\.(?:com|vn|net|org|info|xyz|io|me|top|site|online|link|ly)(?:\/\S*)?\b/iu;
/** One character ten times in a row ("aaaaaaaaaa", "!!!!!!!!!!"). */
const RUN_OF_ONE = /(.)\1{9,}/u;
/** The same word (or two-syllable word) four times in a row, on folded text. */
const RUN_OF_WORD = /(?:^| )(\p{L}+(?: \p{L}+)?)(?: \1){3,}(?= |$)/u;

const ABUSIVE = new RegExp(`(?:^| )(?:${ABUSIVE_WORDS.join("|")})(?= |$)`);

/**
 * The flags of a new comment. `earlier`: the same person's earlier comments (any draft); a comment equal to
 * one of them once folded is repeated text.
 */
export function commentFlags(text: string, earlier: readonly string[] = []): CommentFlag[] {
  const folded = fold(text);
  const flags: CommentFlag[] = [];
  if (ABUSIVE.test(folded)) flags.push("abusive");
  const withoutEmail = text.replace(EMAIL, " ");
  if (LINK.test(withoutEmail)) flags.push("link");
  if (new RegExp(PHONE.source).test(text)) flags.push("phone");
  if (new RegExp(EMAIL.source, "u").test(text)) flags.push("email");
  if (RUN_OF_ONE.test(text) || RUN_OF_WORD.test(folded) || (folded !== "" && earlier.some((e) => fold(e) === folded))) flags.push("repeated");
  return flags;
}

/** Phone numbers and e-mail addresses masked for exports: "0912 345 678" → "09**********", "mai@x.vn" → "m***@***". */
export function maskContacts(text: string): string {
  return text
    .replace(EMAIL, (m) => `${Array.from(m)[0] ?? ""}***@***`)
    .replace(PHONE, (m) => m.slice(0, m.startsWith("+") ? 3 : 2) + m.slice(m.startsWith("+") ? 3 : 2).replace(/\d/g, "*"));
}
