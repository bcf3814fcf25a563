import { pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { subscribers } from "./residents.js";

/**
 * What a person may consent to, each apart (Personal Data Protection Law, Law 91/2025/QH15):
 * announcements — receiving draft announcements and reminders for the communes they follow;
 * feedback — keeping their answers and comments for the officers' tallies.
 */
export const consentPurposes = ["announcements", "feedback"] as const;
export type ConsentPurpose = (typeof consentPurposes)[number];

/** One consent per person and purpose: the version of the notice they agreed to, and when. Gone with the person. */
export const consents = pgTable("consents", {
  subscriberId: uuid("subscriber_id").notNull().references(() => subscribers.id, { onDelete: "cascade" }),
  purpose: text("purpose").$type<ConsentPurpose>().notNull(),
  noticeVersion: text("notice_version").notNull(),
  givenAt: timestamp("given_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.subscriberId, t.purpose] })]);
