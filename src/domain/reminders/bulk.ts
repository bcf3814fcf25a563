import { sql, type SQL } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client.js";
import type { BroadcastKind } from "../../db/schema/index.js";
import { enqueueSelected } from "../../delivery/outbox.js";
import { t, type Locale } from "../../i18n/index.js";
import { encodeAction } from "../../messages/actions.js";

/**
 * What the timed duties share to send one message to many through the outbox: a broadcast row, one
 * delivery per person (set-based, INSERT … SELECT), the message in the person's locale, bulk priority
 * (so quiet hours hold it). A (broadcast, person) pair is unique: nobody gets one broadcast twice.
 */
export { LOCALES, byLocale, perLocale } from "../../messages/per-locale.js";

/** The announcement's "Góp ý" button (the same action payload), for a draft. */
export function answerButton(locale: Locale, draftId: string) {
  return { label: t(locale, "broadcast.button.answer"), action: encodeAction({ type: "answer", draftId }) };
}

export async function createBroadcast(tx: DbOrTx, draftId: string | null, kind: BroadcastKind, actor: string, at: Date): Promise<string> {
  const [b] = await queryRows<{ id: string }>(tx, sql`
    insert into broadcasts (draft_id, kind, created_by, created_at) values (${draftId}, ${kind}, ${actor}, ${at.toISOString()}::timestamptz) returning id`);
  return b!.id;
}

/**
 * Queue `message` (a jsonb expression over alias s) for every subscriber s matching `audience` (a
 * condition over alias s), as deliveries of `broadcastId`; returns how many were queued and records it
 * as the broadcast's total.
 */
export async function enqueueAudience(tx: DbOrTx, broadcastId: string, kind: string, message: SQL, audience: SQL): Promise<number> {
  const [r] = await queryRows<{ n: number }>(tx, sql`
    with ins as (
      ${enqueueSelected({ broadcastId, kind, message, from: sql`from subscribers s where ${audience}` })}
      returning 1
    ) select count(*)::int as n from ins`);
  const n = r?.n ?? 0;
  await tx.execute(sql`update broadcasts set total = ${n} where id = ${broadcastId}`);
  return n;
}
