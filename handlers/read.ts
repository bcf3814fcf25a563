import { localTime as formatTime } from "../src/text/local-time.js";
import { text } from "../src/messages/replies.js";
import type { Turn } from "./types.js";

/**
 * "Đã đọc": a propagandist confirms the read-aloud script of a draft was read, at "HH:MM" local time.
 * Relays are created when the script is sent; without one, a polite reply.
 */
export async function confirmRead(turn: Turn, draftId: string): Promise<void> {
  const { locale } = turn;
  const time = formatTime(turn.now, turn.timeZone);
  const r = await turn.residents.confirmRelay(draftId, time);
  if (r.status === "none") {
    turn.reply(text(locale, "read.noRelay"));
    return;
  }
  if (r.status === "already") {
    turn.reply(text(locale, "read.already", { time: r.readAt ?? formatTime(r.confirmedAt, turn.timeZone) }));
    return;
  }
  turn.log.info("relay confirmed", { draftId });
  turn.reply(text(locale, "read.confirmed", { time }));
}
