import { integer, pgTable, primaryKey, timestamp, uuid } from "drizzle-orm/pg-core";
import { agencies } from "./org.js";

/**
 * When an agency's annual report (plan V.1, due 20 November) was first downloaded. The report
 * reminders stop for an agency once its report of the year is here.
 */
export const reportDownloads = pgTable("report_downloads", {
  agencyId: uuid("agency_id").notNull().references(() => agencies.id),
  year: integer("year").notNull(),
  firstDownloadedAt: timestamp("first_downloaded_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.agencyId, t.year] })]);
