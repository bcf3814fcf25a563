/**
 * Button actions: the strings a button carries and a press sends back (Telegram callback_data ≤ 64 bytes,
 * Zalo OA `oa.query.hide` payloads come back as text). Built and parsed only here.
 *
 *   answer:<draftId>            "Góp ý" (give your opinion): start answering a draft's questions
 *   more:<draftId>              "Xem thêm" (see more): the four summary parts and the full-text link
 *   unsub                       "Huỷ đăng ký" (unsubscribe): stop all messaging
 *   choice:<questionId>:<index> pick choice <index> (0-based) of a question
 *   read:<draftId>              "Đã đọc" (read aloud): a propagandist confirms a relay
 *
 * and the raw actions of the conversations' own buttons (`act` below: pick/confirm a commune, consent…).
 */
export type Action =
  | { type: "answer"; draftId: string }
  | { type: "more"; draftId: string }
  | { type: "unsub" }
  | { type: "choice"; questionId: string; index: number }
  | { type: "read"; draftId: string }
  | { type: "raw"; name: string; arg?: string };

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const DRAFT_ACTION = new RegExp(`^(answer|more|read):(${UUID})$`, "i");
const CHOICE_ACTION = new RegExp(`^choice:(${UUID}):(\\d{1,2})$`, "i");
const RAW_ACTION = /^([a-z_]{1,20})(?::([A-Za-z0-9_.-]{1,40}))?$/;

export function encodeAction(a: Action): string {
  switch (a.type) {
    case "answer":
    case "more":
    case "read":
      return `${a.type}:${a.draftId}`;
    case "unsub":
      return "unsub";
    case "choice":
      return `choice:${a.questionId}:${a.index}`;
    case "raw":
      return a.arg === undefined ? a.name : `${a.name}:${a.arg}`;
  }
}

/** Parse an action string; anything else (stale, forged, garbage) is null. */
export function decodeAction(s: string): Action | null {
  let m: RegExpExecArray | null;
  if ((m = DRAFT_ACTION.exec(s))) {
    return { type: m[1] as "answer" | "more" | "read", draftId: m[2]!.toLowerCase() };
  }
  if (s === "unsub") return { type: "unsub" };
  if ((m = CHOICE_ACTION.exec(s))) {
    return { type: "choice", questionId: m[1]!.toLowerCase(), index: Number(m[2]) };
  }
  if ((m = RAW_ACTION.exec(s))) {
    return m[2] === undefined ? { type: "raw", name: m[1]! } : { type: "raw", name: m[1]!, arg: m[2] };
  }
  return null;
}

/** Raw actions the conversations put on their own buttons (besides answer/more/unsub/choice/read). */
export const act = {
  pick: (code: string) => encodeAction({ type: "raw", name: "pick", arg: code }),
  confirm: (code: string) => encodeAction({ type: "raw", name: "confirm", arg: code }),
  other: () => encodeAction({ type: "raw", name: "other" }),
  consentYes: () => encodeAction({ type: "raw", name: "consent", arg: "yes" }),
  consentNo: () => encodeAction({ type: "raw", name: "consent", arg: "no" }),
  eraseYes: () => encodeAction({ type: "raw", name: "erase", arg: "yes" }),
  eraseNo: () => encodeAction({ type: "raw", name: "erase", arg: "no" }),
  remove: (code: string) => encodeAction({ type: "raw", name: "rm", arg: code }),
  add: () => encodeAction({ type: "raw", name: "add" }),
  subs: () => encodeAction({ type: "raw", name: "subs" }),
  help: () => encodeAction({ type: "raw", name: "help" }),
  skip: () => encodeAction({ type: "raw", name: "skip" }),
};
