import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client.js";
import { PRIORITY_BULK } from "../db/schema/index.js";
import { isQuiet, type QuietHours } from "../delivery/quiet-hours.js";
import { enqueue } from "../delivery/outbox.js";
import { t, type Locale } from "../i18n/index.js";
import { readButton } from "../messages/buttons.js";
import { localStamp } from "../text/local-time.js";
import { ts } from "./digest/data.js";

/** Relay follow-up (docs/architecture.md, "Words used in the code"): a propagandist who has not confirmed within 24 h gets one reminder. */
export const RELAY_REMIND_AFTER_MS = 24 * 3_600_000;
export interface RelayReminderOptions {
  now: Date;
  timeZone: string;
  /** No reminders in quiet hours (QUIET_HOURS): they wait for the first run after. */
  quietHours: QuietHours;
}

export interface RelayReminderResult {
  reminded: number;
  quietHours?: boolean;
}

interface Due {
  id: string;
  draft_id: string;
  subscriber_id: string;
  channel: string;
  locale: string;
  title: string;
  unit: string | null;
  sent_at: string | Date;
}

/**
 * One reminder per unconfirmed script: relays of open drafts sent at least 24 h ago, not confirmed, never
 * reminded, to a propagandist still active. reminded_at is set in the same transaction as the enqueue
 * (rows locked, others skipped), so concurrent or repeated runs remind each person once.
 */
export async function remindUnconfirmedRelays(db: Db, opts: RelayReminderOptions): Promise<RelayReminderResult> {
  const { now, timeZone } = opts;
  if (isQuiet(opts.quietHours, now)) return { reminded: 0, quietHours: true };
  return db.transaction(async (tx) => {
    const due = await queryRows<Due>(tx, sql`
      with due as (
        select r.id from relays r
        join drafts d on d.id = r.draft_id
        join subscribers s on s.id = r.subscriber_id
        where r.confirmed_at is null and r.reminded_at is null and d.status = 'open' and s.status = 'active'
          and r.sent_at <= ${ts(new Date(now.getTime() - RELAY_REMIND_AFTER_MS))}
        order by r.sent_at
        limit 5000
        for update of r skip locked
      ), marked as (
        update relays r set reminded_at = ${ts(now)} from due where r.id = due.id
        returning r.id, r.draft_id, r.subscriber_id, r.unit_code, r.sent_at
      )
      select m.id, m.draft_id, m.subscriber_id, s.channel, s.locale, d.title, coalesce(u.name, m.unit_code) as unit, m.sent_at
      from marked m
      join subscribers s on s.id = m.subscriber_id
      join drafts d on d.id = m.draft_id
      left join admin_units u on u.code = m.unit_code`);
    if (!due.length) return { reminded: 0 };
    const reminded = await enqueue(
      tx,
      due.map((r) => {
        const locale: Locale = r.locale === "en" ? "en" : "vi";
        return {
          subscriberId: r.subscriber_id,
          channel: r.channel,
          kind: "relay_reminder",
          priority: PRIORITY_BULK,
          message: {
            text: t(locale, "relay.reminder", { title: r.title, unit: r.unit ?? "—", sent: localStamp(new Date(r.sent_at), timeZone) }),
            buttons: [[readButton(locale, r.draft_id)]],
          },
        };
      }),
    );
    return { reminded };
  });
}
