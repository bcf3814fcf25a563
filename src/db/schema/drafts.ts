import { boolean, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid, bigserial } from "drizzle-orm/pg-core";
import { agencies } from "./org.js";
import { adminUnits } from "./units.js";
import { subscribers } from "./residents.js";

export const draftStatuses = ["draft", "scheduled", "open", "closed", "withdrawn"] as const;
/** draft: being prepared · scheduled: published, period not yet open · open · closed · withdrawn. */
export type DraftStatus = (typeof draftStatuses)[number];

/** A draft legal document or policy (dự thảo) put to residents for comment. */
export const drafts = pgTable("drafts", {
  id: uuid("id").primaryKey().defaultRandom(),
  /** Document number or working code, optional. */
  code: text("code"),
  title: text("title").notNull(),
  agencyId: uuid("agency_id").notNull().references(() => agencies.id),
  // The four criteria of plan II.1 a–d; all four true = a high-impact draft.
  requiresPolicyProposal: boolean("requires_policy_proposal").notNull(),
  affectsRightsAndObligations: boolean("affects_rights_and_obligations").notNull(),
  sensitiveOrContested: boolean("sensitive_or_contested").notNull(),
  provinceWide: boolean("province_wide").notNull(),
  /** Plan II.1 a, I.2: a draft with state secrets can never be broadcast. */
  containsStateSecrets: boolean("contains_state_secrets").notNull().default(false),
  // The four summary parts of plan II.2 a–d.
  summaryNecessity: text("summary_necessity").notNull(),
  summaryMainContent: text("summary_main_content").notNull(),
  summaryRightsChanges: text("summary_rights_changes").notNull(),
  summaryOther: text("summary_other"),
  fullTextUrl: text("full_text_url").notNull(),
  commentOpensAt: timestamp("comment_opens_at", { withTimezone: true }).notNull(),
  commentClosesAt: timestamp("comment_closes_at", { withTimezone: true }).notNull(),
  /** true: every unit of the province; otherwise see draft_targets. */
  targetAll: boolean("target_all").notNull().default(false),
  status: text("status").$type<DraftStatus>().notNull().default("draft"),
  shortenedPeriodReason: text("shortened_period_reason"),
  publishedAt: timestamp("published_at", { withTimezone: true }),
  closedAt: timestamp("closed_at", { withTimezone: true }),
  /** Days before the deadline on which residents are reminded; null: REMINDER_DAYS. */
  reminderDays: integer("reminder_days").array(),
  /** When the results went to respondents and the final digest to officers (after closing); once. */
  resultsSentAt: timestamp("results_sent_at", { withTimezone: true }),
  /** What came of the feedback, published once after closing and sent to every respondent. */
  outcomeText: text("outcome_text"),
  outcomeAt: timestamp("outcome_at", { withTimezone: true }),
  outcomeBy: text("outcome_by"),
  createdBy: text("created_by").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index("drafts_status_idx").on(t.status), index("drafts_agency_idx").on(t.agencyId)]);

export const draftTargets = pgTable("draft_targets", {
  draftId: uuid("draft_id").notNull().references(() => drafts.id, { onDelete: "cascade" }),
  unitCode: text("unit_code").notNull().references(() => adminUnits.code),
}, (t) => [primaryKey({ columns: [t.draftId, t.unitCode] })]);

export const questions = pgTable("questions", {
  id: uuid("id").primaryKey().defaultRandom(),
  draftId: uuid("draft_id").notNull().references(() => drafts.id, { onDelete: "cascade" }),
  position: integer("position").notNull(),
  text: text("text").notNull(),
  /** The article (điều) of the draft the question is about, if any. */
  article: text("article"),
  choices: text("choices").array().notNull(),
  allowComment: boolean("allow_comment").notNull().default(true),
}, (t) => [uniqueIndex("questions_draft_position_uq").on(t.draftId, t.position)]);

/** The current answer of one subscriber to one question; changes are kept in answer_history. */
export const answers = pgTable("answers", {
  questionId: uuid("question_id").notNull().references(() => questions.id, { onDelete: "cascade" }),
  subscriberId: uuid("subscriber_id").notNull().references(() => subscribers.id, { onDelete: "cascade" }),
  draftId: uuid("draft_id").notNull().references(() => drafts.id, { onDelete: "cascade" }),
  choiceIndex: integer("choice_index").notNull(),
  unitCode: text("unit_code"),
  channel: text("channel").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  primaryKey({ columns: [t.questionId, t.subscriberId] }),
  index("answers_draft_idx").on(t.draftId),
]);

/** Every answer ever given, including late ones (after the deadline: kept, flagged, out of tallies). */
export const answerHistory = pgTable("answer_history", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  questionId: uuid("question_id").notNull().references(() => questions.id, { onDelete: "cascade" }),
  subscriberId: uuid("subscriber_id").notNull().references(() => subscribers.id, { onDelete: "cascade" }),
  draftId: uuid("draft_id").notNull(),
  choiceIndex: integer("choice_index").notNull(),
  unitCode: text("unit_code"),
  channel: text("channel").notNull(),
  late: boolean("late").notNull().default(false),
  at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index("answer_history_draft_idx").on(t.draftId)]);

export const moderationStates = ["visible", "flagged", "hidden"] as const;
export const handlingStates = ["pending", "accepted", "explained"] as const;

/** Free-text comments, append-only. Handling: tiếp thu (accepted) or giải trình (explained). */
export const comments = pgTable("comments", {
  id: uuid("id").primaryKey().defaultRandom(),
  draftId: uuid("draft_id").notNull().references(() => drafts.id, { onDelete: "cascade" }),
  subscriberId: uuid("subscriber_id").notNull().references(() => subscribers.id, { onDelete: "cascade" }),
  questionId: uuid("question_id"),
  unitCode: text("unit_code"),
  channel: text("channel").notNull(),
  article: text("article"),
  text: text("text").notNull(),
  late: boolean("late").notNull().default(false),
  moderation: text("moderation").$type<(typeof moderationStates)[number]>().notNull().default("visible"),
  handling: text("handling").$type<(typeof handlingStates)[number]>().notNull().default("pending"),
  handlingNote: text("handling_note"),
  /** Why an officer hid the comment (abuse, personal data…), shown to officers only. */
  moderationReason: text("moderation_reason"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index("comments_draft_idx").on(t.draftId)]);
