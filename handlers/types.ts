import type { InboundEvent } from "../src/channels/adapter.js";
import type { OutboundMessage } from "../src/channels/message.js";
import type { ConversationState, ConversationStep, ResidentSession, SubscriberRow } from "../src/domain/residents/index.js";
import type { Logger } from "../src/logger.js";

export type { ConversationState, ConversationStep, Pending, SubscriberRow } from "../src/domain/residents/index.js";

/** One inbound event being handled: what the conversation knows and may do in this turn. */
export interface Turn {
  /** The residents' domain, bound to this person and this turn's transaction. */
  residents: ResidentSession;
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
}
