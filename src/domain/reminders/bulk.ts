import { sql, type SQL } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client.js";
import { PRIORITY_BULK, type BroadcastKind } from "../../db/schema/index.js";
import type { OutboundMessage } from "../../channels/message.js";
import { localDateTime } from "../../text/local-time.js";
import { t, type Locale } from "../../i18n/index.js";
import { encodeAction } from "../../messages/actions.js";
import { localDate } from "../digest/render.js";

/**
 * What the timed duties share to send one message to many through the outbox: a broadcast row, one
 * delivery per person (set-based, INSERT … SELECT), the message in the person's locale, bulk priority
 * (so quiet hours hold it). A (broadcast, person) pair is unique: nobody gets one broadcast twice.
 */
export const LOCALES: Locale[] = ["vi", "en"];

/** The message in each locale, as JSON text for a jsonb parameter. */
export function perLocale(build: (locale: Locale) => OutboundMessage): Record<Locale, string> {
  return Object.fromEntries(LOCALES.map((l) => [l, JSON.stringify(build(l))])) as Record<Locale, string>;
}

/** `case` choosing the message by the subscriber's locale (alias s); Vietnamese by default. */
export const byLocale = (m: Record<Locale, string>) => sql`(case when s.locale = 'en' then ${m.en}::jsonb else ${m.vi}::jsonb end)`;

/** "17:00 ngày 10/12/2026" in the service's time zone. */
export function deadlineText(locale: Locale, at: Date, timeZone: string): string {
  return t(locale, "broadcast.deadline", { time: localDateTime(at, timeZone).slice(11, 16), date: localDate(at, timeZone) });
}

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
      insert into deliveries (broadcast_id, subscriber_id, channel, kind, priority, message)
      select ${broadcastId}, s.id, s.channel, ${kind}, ${PRIORITY_BULK}, ${message}
      from subscribers s
      where ${audience}
      on conflict do nothing
      returning 1
    ) select count(*)::int as n from ins`);
  const n = r?.n ?? 0;
  await tx.execute(sql`update broadcasts set total = ${n} where id = ${broadcastId}`);
  return n;
}
