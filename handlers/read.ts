import { and, eq, sql } from "drizzle-orm";
import { relays } from "../src/db/schema/index.js";
import { formatTime, text } from "./replies.js";
import type { Turn } from "./types.js";

/**
 * "Đã đọc": a propagandist confirms the read-aloud script of a draft was read (relays.confirmed_at, and
 * read_at as "HH:MM" local time). Relays are created when the script is sent; without one, a polite reply.
 */
export async function confirmRead(turn: Turn, draftId: string): Promise<void> {
  const { tx, subscriber, locale } = turn;
  const [relay] = await tx
    .select()
    .from(relays)
    .where(and(eq(relays.draftId, draftId), eq(relays.subscriberId, subscriber.id)))
    .for("update");
  if (!relay) {
    turn.reply(text(locale, "read.noRelay"));
    return;
  }
  if (relay.confirmedAt) {
    turn.reply(text(locale, "read.already", { time: relay.readAt ?? formatTime(relay.confirmedAt, turn.timeZone) }));
    return;
  }
  const time = formatTime(turn.now, turn.timeZone);
  await tx.update(relays).set({ confirmedAt: sql`now()`, readAt: time }).where(eq(relays.id, relay.id));
  turn.log.info("relay confirmed", { draftId });
  turn.reply(text(locale, "read.confirmed", { time }));
}
