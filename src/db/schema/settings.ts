import { pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Small key/value settings the service keeps for itself (e.g. the generated pseudonym secret). */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
