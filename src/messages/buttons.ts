import type { Button } from "../channels/message.js";
import { t, type Locale } from "../i18n/index.js";
import { encodeAction } from "./actions.js";

/**
 * The buttons under messages sent to many (announcements, read-aloud scripts, reminders): one builder
 * each, so a reminder's "Góp ý" is the announcement's, label and action payload alike.
 */

/** "Góp ý": start answering the draft's questions. */
export function answerButton(locale: Locale, draftId: string): Button {
  return { label: t(locale, "broadcast.button.answer"), action: encodeAction({ type: "answer", draftId }) };
}

/** "Đã đọc": a propagandist confirms the script was read aloud. */
export function readButton(locale: Locale, draftId: string): Button {
  return { label: t(locale, "broadcast.button.read"), action: encodeAction({ type: "read", draftId }) };
}

/** Under an announcement: "Góp ý" and "Xem thêm", then "Huỷ đăng ký". */
export function announcementButtons(locale: Locale, draftId: string): Button[][] {
  return [
    [answerButton(locale, draftId), { label: t(locale, "broadcast.button.more"), action: encodeAction({ type: "more", draftId }) }],
    [{ label: t(locale, "broadcast.button.unsub"), action: encodeAction({ type: "unsub" }) }],
  ];
}
