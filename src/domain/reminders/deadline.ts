import { and, eq, gt } from "drizzle-orm";
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { draftReminders, drafts } from "../../db/schema/index.js";
import { localDateTime } from "../../text/local-time.js";
import { endOf, type QuietHours } from "../../delivery/quiet-hours.js";
import { t } from "../../i18n/index.js";
import { deadlineText } from "../../messages/conversation.js";
import { createBroadcast, enqueueAudience } from "../../delivery/outbox.js";
import { answerButton } from "../../messages/buttons.js";
import { byLocale, perLocale } from "../../messages/per-locale.js";

/** Deadline reminders go out on their local calendar day from this local time. */
export const REMINDER_TIME = "08:00";
export const REMINDER_ACTOR = "scheduler:deadline-reminders";

export interface DeadlineReminderOptions {
  now: Date;
  timeZone: string;
  /** REMINDER_DAYS: days before the deadline, for drafts that do not set their own. */
  defaultDays: number[];
  quietHours: QuietHours;
}

export interface ReminderSent {
  draftId: string;
  daysBefore: number;
  recipients: number;
}

export interface DeadlineReminderResult {
  sent: ReminderSent[];
  /** Periods due today that were not sent, and why. */
  withheld: { draftId: string; daysBefore: number; reason: "after-deadline" | "day-over" }[];
}

const DAY = 86_400_000;

/** "2026-12-10" minus `days` calendar days. */
export function minusDays(isoDate: string, days: number): string {
  const [y, m, d] = isoDate.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) - days * DAY).toISOString().slice(0, 10);
}

/**
 * The period of a draft due on the local date of `now`: `daysBefore` such that the deadline's local date
 * minus `daysBefore` is today, and it is at least REMINDER_TIME; null when none is due today.
 */
export function periodDueAt(closesAt: Date, days: number[], now: Date, timeZone: string): number | null {
  const local = localDateTime(now, timeZone);
  if (local.slice(11, 16) < REMINDER_TIME) return null;
  const today = local.slice(0, 10);
  const closing = localDateTime(closesAt, timeZone).slice(0, 10);
  return days.find((d) => minusDays(closing, d) === today) ?? null;
}

/**
 * Deadline reminders (job deadline-reminders). For each open draft, the period due today (a local
 * calendar day 7, 3 or 1 days before the deadline, from 08:00) is claimed in draft_reminders and sent
 * to every active resident of the target communes who has not answered every question (stopped people
 * are not active). Rules:
 * - a period goes once: the claim is the primary key (draft, days before); its deliveries are unique
 *   per person;
 * - only on its own day: a period whose day passed while the service was down is not sent late (the
 *   next one comes on its day), so residents never get two reminders in a row or one after the deadline;
 * - a period that could only arrive after the deadline, or after its own day (found in the evening's quiet
 *   hours, e.g. by a catch-up at 22:00), is withheld;
 * - the dates follow the current deadline: an extension moves every period not yet sent;
 * - a draft without questions has nothing to answer and gets no reminders.
 */
export async function sendDeadlineReminders(db: Db, opts: DeadlineReminderOptions): Promise<DeadlineReminderResult> {
  const { now, timeZone } = opts;
  const open = await db
    .select()
    .from(drafts)
    .where(and(eq(drafts.status, "open"), eq(drafts.containsStateSecrets, false), gt(drafts.commentClosesAt, now)));
  const result: DeadlineReminderResult = { sent: [], withheld: [] };
  for (const d of open) {
    const daysBefore = periodDueAt(d.commentClosesAt, d.reminderDays ?? opts.defaultDays, now, timeZone);
    if (daysBefore === null) continue;
    // Quiet hours hold bulk until they end: a reminder that would only arrive after the deadline, or on a
    // later day than its own (its "days left" would be wrong), is not sent.
    const arrives = endOf(opts.quietHours, now);
    if (arrives.getTime() >= d.commentClosesAt.getTime()) {
      result.withheld.push({ draftId: d.id, daysBefore, reason: "after-deadline" });
      continue;
    }
    if (localDateTime(arrives, timeZone).slice(0, 10) !== localDateTime(now, timeZone).slice(0, 10)) {
      result.withheld.push({ draftId: d.id, daysBefore, reason: "day-over" });
      continue;
    }
    const recipients = await db.transaction(async (tx) => {
      const claimed = await tx
        .insert(draftReminders)
        .values({ draftId: d.id, daysBefore, dueOn: localDateTime(now, timeZone).slice(0, 10), deadline: d.commentClosesAt, sentAt: now })
        .onConflictDoNothing()
        .returning({ draftId: draftReminders.draftId });
      if (!claimed.length) return null;
      const message = perLocale((l) => ({
        text: t(l, "reminder.deadline", { title: d.title, days: daysBefore, deadline: deadlineText(l, d.commentClosesAt, timeZone) }),
        buttons: [[answerButton(l, d.id)]],
      }));
      const broadcastId = await createBroadcast(tx, d.id, "reminder", REMINDER_ACTOR, now);
      const n = await enqueueAudience(tx, broadcastId, "reminder", byLocale(message), sql`s.status = 'active'
        and exists (select 1 from subscriptions sub where sub.subscriber_id = s.id and sub.role = 'resident'
          and (${d.targetAll} or sub.unit_code in (select unit_code from draft_targets where draft_id = ${d.id})))
        and (select count(*) from answers a where a.draft_id = ${d.id} and a.subscriber_id = s.id)
          < (select count(*) from questions q where q.draft_id = ${d.id})`);
      await tx
        .update(draftReminders)
        .set({ broadcastId, recipients: n })
        .where(and(eq(draftReminders.draftId, d.id), eq(draftReminders.daysBefore, daysBefore)));
      return n;
    });
    if (recipients !== null) result.sent.push({ draftId: d.id, daysBefore, recipients });
  }
  return result;
}
