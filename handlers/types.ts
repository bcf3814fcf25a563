import type { SQL } from "drizzle-orm";
import type { InboundEvent } from "../src/channels/adapter.js";
import type { OutboundMessage } from "../src/channels/message.js";
import type { DbOrTx } from "../src/db/client.js";
import type { subscribers } from "../src/db/schema/index.js";
import type { Logger } from "../src/logger.js";
import type { PrefetchedChoice } from "./answer.js";
import type { DraftCache } from "./drafts.js";

export type SubscriberRow = typeof subscribers.$inferSelect;

/** What waits for the person's consent: a commune to follow, or an invite to redeem. */
export type Pending = { kind: "unit"; code: string } | { kind: "invite"; code: string };

/**
 * The step of the conversation a person is in, stored as JSON in `conversations.state`.
 * `offered` keeps the actions of the last buttons sent, so that typing "2" presses the second button
 * on channels without buttons (the numbered text fallback).
 */
export type ConversationStep =
  | { step: "idle" }
  | { step: "choose_unit"; codes: string[] }
  | { step: "confirm_unit"; code: string }
  | { step: "consent"; pending: Pending }
  | { step: "answer"; draftId: string; questionId: string }
  | { step: "comment"; draftId: string; questionId: string | null };

export type ConversationState = ConversationStep & { offered?: string[] };

/** One inbound event being handled, inside the transaction that records its outcome. */
export interface Turn {
  tx: DbOrTx;
  event: InboundEvent;
  subscriber: SubscriberRow;
  state: ConversationState;
  locale: string;
  now: Date;
  timeZone: string;
  log: Logger;
  /** Queue a reply to this person (sent through the outbox after the transaction commits). */
  reply(message: OutboundMessage): void;
  /** Set the conversation state saved at the end of the turn. */
  setState(state: ConversationStep): void;
  /** Delete everything about this person at the end of the turn (declined consent); replies are sent directly. */
  erase(): void;
  /**
   * Run this write (one INSERT/UPDATE/DELETE, no WITH of its own) with the turn's final statement, after the
   * handler returns: saves a round trip. Only for writes nothing later in the turn reads back, and that do not
   * touch conversations or deliveries (the final statement writes those).
   */
  defer(write: SQL): void;
  /** Drafts and questions kept between turns, checked against the database before use (button presses). */
  drafts?: DraftCache;
  /** Reads done ahead by the turn's first statement (a press on a cached question), checked before use. */
  prefetched?: { choice?: PrefetchedChoice };
}
