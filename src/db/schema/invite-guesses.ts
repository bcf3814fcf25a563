import { index, pgTable, serial, timestamp, uuid } from "drizzle-orm/pg-core";
import { subscribers } from "./residents.js";

/** Wrong invite codes tried by a person (for the per-person limit on guesses); deleted with the person. */
export const inviteGuesses = pgTable("invite_guesses", {
  id: serial("id").primaryKey(),
  subscriberId: uuid("subscriber_id").notNull().references(() => subscribers.id, { onDelete: "cascade" }),
  at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index("invite_guesses_subscriber_idx").on(t.subscriberId, t.at)]);
