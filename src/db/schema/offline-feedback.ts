import { sql } from "drizzle-orm";
import { date, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { drafts } from "./drafts.js";
import { adminUnits } from "./units.js";

/** Counts per choice of one question, as gathered at a meeting: `counts[i]` people chose choice i. */
export interface OfflineQuestionCounts {
  questionId: string;
  counts: number[];
}

/**
 * Opinions gathered offline (a commune meeting, a propagandist's rounds) for one draft and one of its
 * target communes. Kept apart from the online answers: every figure shows the two side by side.
 */
export const offlineFeedback = pgTable("offline_feedback", {
  id: uuid("id").primaryKey().defaultRandom(),
  draftId: uuid("draft_id").notNull().references(() => drafts.id, { onDelete: "cascade" }),
  unitCode: text("unit_code").notNull().references(() => adminUnits.code),
  /** The local calendar date of the meeting. */
  meetingDate: date("meeting_date", { mode: "string" }).notNull(),
  attendees: integer("attendees").notNull(),
  counts: jsonb("counts").$type<OfflineQuestionCounts[]>().notNull().default(sql`'[]'::jsonb`),
  /** Number of comments voiced at the meeting, and their summary (not residents' own words). */
  comments: integer("comments").notNull().default(0),
  commentSummary: text("comment_summary"),
  /** Who entered it: the API key (`key:<id>`). */
  enteredBy: text("entered_by").notNull(),
  enteredAt: timestamp("entered_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index("offline_feedback_draft_idx").on(t.draftId, t.unitCode)]);
