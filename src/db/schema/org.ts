import { sql } from "drizzle-orm";
import { boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid, bigserial } from "drizzle-orm/pg-core";

/** Drafting agencies (cơ quan chủ trì soạn thảo) and the Department of Justice (Sở Tư pháp). */
export const agencies = pgTable("agencies", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  nameKey: text("name_key").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [uniqueIndex("agencies_name_key_uq").on(t.nameKey)]);

export const apiRoles = ["admin", "drafter", "viewer"] as const;
export type ApiRole = (typeof apiRoles)[number];

/** An officer's API key. Only a SHA-256 hash of the key is stored; the key is shown once. */
export const apiKeys = pgTable("api_keys", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  role: text("role").$type<ApiRole>().notNull(),
  agencyId: uuid("agency_id").references(() => agencies.id),
  prefix: text("prefix").notNull(),
  hash: text("hash").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  revokedAt: timestamp("revoked_at", { withTimezone: true }),
}, (t) => [uniqueIndex("api_keys_hash_uq").on(t.hash)]);

/** Officers who receive digests in chat; linked to a subscriber once they join with an invite. */
export const officers = pgTable("officers", {
  id: uuid("id").primaryKey().defaultRandom(),
  agencyId: uuid("agency_id").references(() => agencies.id),
  name: text("name").notNull(),
  subscriberId: uuid("subscriber_id"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  active: boolean("active").notNull().default(true),
});

/** Who did what, when: publishing, shortened periods, closing, moderation, key changes. */
export const auditLog = pgTable("audit_log", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  actor: text("actor").notNull(),
  action: text("action").notNull(),
  entityType: text("entity_type").notNull(),
  entityId: text("entity_id"),
  details: jsonb("details").$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  /** Where an officer's request came from (client address as the service sees it, User-Agent); null for jobs and the CLI. */
  ip: text("ip"),
  userAgent: text("user_agent"),
}, (t) => [index("audit_log_entity_idx").on(t.entityType, t.entityId), index("audit_log_actor_idx").on(t.actor, t.id)]);
