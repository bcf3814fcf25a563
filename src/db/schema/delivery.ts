import { sql } from "drizzle-orm";
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { drafts } from "./drafts.js";
import { subscribers } from "./residents.js";
import type { OutboundMessage } from "../../channels/message.js";

export const broadcastKinds = ["announcement", "correction", "extension", "reminder", "relay", "digest", "closing", "outcome", "report_reminder"] as const;
export type BroadcastKind = (typeof broadcastKinds)[number];

/** One message sent to many: an announcement, a correction, an extension, a reminder round. */
export const broadcasts = pgTable("broadcasts", {
  id: uuid("id").primaryKey().defaultRandom(),
  draftId: uuid("draft_id").references(() => drafts.id, { onDelete: "cascade" }),
  kind: text("kind").$type<BroadcastKind>().notNull(),
  createdBy: text("created_by").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  total: integer("total").notNull().default(0),
}, (t) => [index("broadcasts_draft_idx").on(t.draftId)]);

export const deliveryStates = ["queued", "sending", "sent", "failed", "outside_window"] as const;
export type DeliveryState = (typeof deliveryStates)[number];

/** Priority: lower goes first. Replies to a person's own message go ahead of bulk. */
export const PRIORITY_REPLY = 0;
export const PRIORITY_BULK = 10;

/** The durable outbox: one row per recipient per message. */
export const deliveries = pgTable("deliveries", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  broadcastId: uuid("broadcast_id").references(() => broadcasts.id, { onDelete: "cascade" }),
  subscriberId: uuid("subscriber_id").notNull().references(() => subscribers.id, { onDelete: "cascade" }),
  channel: text("channel").notNull(),
  /** What kind of message (announcement, reply, relay…): a Zalo template can be chosen per kind. */
  kind: text("kind").notNull(),
  priority: integer("priority").notNull().default(PRIORITY_BULK),
  message: jsonb("message").$type<OutboundMessage>().notNull(),
  state: text("state").$type<DeliveryState>().notNull().default("queued"),
  attempts: integer("attempts").notNull().default(0),
  nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
  leaseUntil: timestamp("lease_until", { withTimezone: true }),
  leasedBy: text("leased_by"),
  externalId: text("external_id"),
  errorKind: text("error_kind"),
  errorDetail: text("error_detail"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  sentAt: timestamp("sent_at", { withTimezone: true }),
}, (t) => [
  uniqueIndex("deliveries_broadcast_subscriber_uq").on(t.broadcastId, t.subscriberId),
  index("deliveries_ready_idx").on(t.priority, t.nextAttemptAt, t.id).where(sql`state = 'queued'`),
  index("deliveries_lease_idx").on(t.leaseUntil).where(sql`state = 'sending'`),
  // No index on (broadcast_id, state): a broadcast's rows are found through the unique index above, and
  // every claim and outcome changes the state, so such an index took two entries per message sent.
]);

/** A propagandist's read-aloud script for one draft, and whether it was read ("Đã đọc"). */
export const relays = pgTable("relays", {
  id: uuid("id").primaryKey().defaultRandom(),
  draftId: uuid("draft_id").notNull().references(() => drafts.id, { onDelete: "cascade" }),
  subscriberId: uuid("subscriber_id").notNull().references(() => subscribers.id, { onDelete: "cascade" }),
  unitCode: text("unit_code"),
  sentAt: timestamp("sent_at", { withTimezone: true }).notNull().defaultNow(),
  confirmedAt: timestamp("confirmed_at", { withTimezone: true }),
  readAt: text("read_at"),
  remindedAt: timestamp("reminded_at", { withTimezone: true }),
}, (t) => [uniqueIndex("relays_draft_subscriber_uq").on(t.draftId, t.subscriberId)]);

/** Scheduled job runs; the unique key lets one instance only run a given tick (node-cron runCoordinator). */
export const jobRuns = pgTable("job_runs", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  job: text("job").notNull(),
  slot: text("slot").notNull(),
  owner: text("owner").notNull(),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp("finished_at", { withTimezone: true }),
  status: text("status").notNull().default("running"),
  details: jsonb("details").$type<Record<string, unknown>>(),
}, (t) => [uniqueIndex("job_runs_job_slot_uq").on(t.job, t.slot)]);

