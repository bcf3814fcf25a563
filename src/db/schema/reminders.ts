import { integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { drafts } from "./drafts.js";
import { broadcasts } from "./delivery.js";

/**
 * One row per deadline reminder period of a draft ("3 days before"): claimed by the insert that sends it,
 * so a period goes out once, whatever instance, catch-up or `jobs run` gets there first. Its broadcast's
 * deliveries are unique per person: nobody gets one period twice.
 */
export const draftReminders = pgTable("draft_reminders", {
  draftId: uuid("draft_id").notNull().references(() => drafts.id, { onDelete: "cascade" }),
  daysBefore: integer("days_before").notNull(),
  /** The local date it was due on (YYYY-MM-DD) and the deadline it announced. */
  dueOn: text("due_on").notNull(),
  deadline: timestamp("deadline", { withTimezone: true }).notNull(),
  broadcastId: uuid("broadcast_id").references(() => broadcasts.id, { onDelete: "set null" }),
  recipients: integer("recipients").notNull().default(0),
  sentAt: timestamp("sent_at", { withTimezone: true }).notNull(),
}, (t) => [primaryKey({ columns: [t.draftId, t.daysBefore] })]);
