import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { channelNames, type ChannelName } from "../../channels/names.js";
import { adminUnits } from "./units.js";

export { channelNames, type ChannelName };

export const subscriberStatuses = ["pending", "active", "stopped", "gone", "erased"] as const;
/**
 * pending: talking to the bot, no consent yet · active · stopped: said STOP · gone: blocked or unfollowed ·
 * erased: an anonymous stand-in that keeps an erased person's answers in the tallies (no identity, never messaged).
 */
export type SubscriberStatus = (typeof subscriberStatuses)[number];

/** A person on one channel. Residents, propagandists and officers in chat are all subscribers. */
export const subscribers = pgTable("subscribers", {
  id: uuid("id").primaryKey().defaultRandom(),
  channel: text("channel").$type<ChannelName>().notNull(),
  /** The platform's user/chat id, always a string (Zalo ids exceed 2^53). */
  externalId: text("external_id").notNull(),
  displayName: text("display_name"),
  locale: text("locale").notNull().default("vi"),
  status: text("status").$type<SubscriberStatus>().notNull().default("pending"),
  consentAt: timestamp("consent_at", { withTimezone: true }),
  lastInteractionAt: timestamp("last_interaction_at", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [uniqueIndex("subscribers_channel_external_uq").on(t.channel, t.externalId)]);

export const subscriptionRoles = ["resident", "propagandist", "officer"] as const;
export type SubscriptionRole = (typeof subscriptionRoles)[number];

/** Subscriber × commune, with a role: resident, or propagandist (tuyên truyền viên, who reads drafts aloud). */
export const subscriptions = pgTable("subscriptions", {
  subscriberId: uuid("subscriber_id").notNull().references(() => subscribers.id, { onDelete: "cascade" }),
  unitCode: text("unit_code").notNull().references(() => adminUnits.code),
  role: text("role").$type<SubscriptionRole>().notNull().default("resident"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  primaryKey({ columns: [t.subscriberId, t.unitCode, t.role] }),
  index("subscriptions_unit_idx").on(t.unitCode, t.role),
]);

/** Conversation state per subscriber (which step of which flow), so it survives restarts and instances. */
export const conversations = pgTable("conversations", {
  subscriberId: uuid("subscriber_id").primaryKey().references(() => subscribers.id, { onDelete: "cascade" }),
  state: jsonb("state").$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Inbound updates already handled, for de-duplication of replays (Telegram update_id, Zalo msg_id). */
export const inboundUpdates = pgTable("inbound_updates", {
  channel: text("channel").notNull(),
  updateKey: text("update_key").notNull(),
  receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.channel, t.updateKey] })]);

/** Invite codes an officer creates for propagandists (or officers) to join their role in chat. */
export const invites = pgTable("invites", {
  code: text("code").primaryKey(),
  role: text("role").$type<SubscriptionRole>().notNull(),
  unitCodes: text("unit_codes").array().notNull().default(sql`'{}'::text[]`),
  agencyId: uuid("agency_id"),
  createdBy: text("created_by").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp("expires_at", { withTimezone: true }),
  usedBy: uuid("used_by"),
  usedAt: timestamp("used_at", { withTimezone: true }),
});

/** Platform credentials that rotate (Zalo OA access/refresh pair), saved atomically with a version. */
export const channelTokens = pgTable("channel_tokens", {
  channel: text("channel").primaryKey(),
  accessToken: text("access_token").notNull(),
  refreshToken: text("refresh_token").notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  version: text("version").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

