import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/client.js";
import { relays } from "../../db/schema/index.js";

/** A relay confirmation: no script was sent to this person, it was confirmed before, or it is confirmed now. */
export type RelayConfirmation = { status: "none" } | { status: "already"; confirmedAt: Date; readAt: string | null } | { status: "confirmed" };

/**
 * "Đã đọc": a propagandist confirms the read-aloud script of a draft was read (relays.confirmed_at, and
 * read_at as the local "HH:MM" given). Relays are created when the script is sent.
 */
export async function confirmRelay(tx: DbOrTx, subscriberId: string, draftId: string, readAt: string): Promise<RelayConfirmation> {
  const [relay] = await tx
    .select()
    .from(relays)
    .where(and(eq(relays.draftId, draftId), eq(relays.subscriberId, subscriberId)))
    .for("update");
  if (!relay) return { status: "none" };
  if (relay.confirmedAt) return { status: "already", confirmedAt: relay.confirmedAt, readAt: relay.readAt };
  await tx.update(relays).set({ confirmedAt: sql`now()`, readAt }).where(eq(relays.id, relay.id));
  return { status: "confirmed" };
}
