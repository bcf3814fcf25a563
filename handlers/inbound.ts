import type { InboundEvent } from "../src/channels/adapter.js";
import type { OutboundMessage, Recipient } from "../src/channels/message.js";
import type { Db } from "../src/db/client.js";
import { inboundUpdates, PRIORITY_REPLY, type ChannelName } from "../src/db/schema/index.js";
import { enqueue } from "../src/delivery/outbox.js";
import type { Logger } from "../src/logger.js";
import { offeredActions } from "./replies.js";
import { route } from "./route.js";
import { eraseSubscriber, loadState, saveState, upsertSubscriber } from "./subscribers.js";
import type { ConversationState, ConversationStep, Turn } from "./types.js";

export interface HandledResult {
  event: InboundEvent;
  /** true: this update was handled before (a replay); nothing was done and nothing is sent. */
  duplicate: boolean;
  /** The replies produced, in order (already in the outbox, or sent directly when the person was erased). */
  replies: OutboundMessage[];
  /** The subscriber's id, unless the person was erased or the update was a replay. */
  subscriberId?: string;
}

export interface InboundProcessorDeps {
  db: Db;
  logger: Logger;
  /** Wake the delivery worker after replies were enqueued. */
  kick: () => void;
  /** Time zone for times shown to people ("Đã đọc" at HH:MM). Default Asia/Ho_Chi_Minh. */
  timeZone?: string;
  /** Clock (tests). */
  now?: () => Date;
  /**
   * Send one message now, outside the outbox, to someone whose record was just erased (declined consent):
   * the outbox needs a subscriber row, and none may remain. Wired to the channel adapters by the service.
   */
  sendDirect?: (channel: ChannelName, to: Recipient, message: OutboundMessage) => Promise<void>;
}

export interface InboundProcessor {
  /**
   * Handle events in order, each in its own transaction: de-duplicate, upsert the person, decide, save the
   * conversation state and enqueue the replies together. Throws if an event could not be handled (so the
   * platform retries it); events handled before it stay handled and replays of them do nothing.
   */
  handle(events: InboundEvent[], log?: Logger): Promise<HandledResult[]>;
}

/** The channel-agnostic entry point of the conversations: every channel hands its events here. */
export function createInboundProcessor(deps: InboundProcessorDeps): InboundProcessor {
  const { db } = deps;
  const timeZone = deps.timeZone ?? "Asia/Ho_Chi_Minh";
  const clock = deps.now ?? (() => new Date());

  async function handleOne(event: InboundEvent, parent: Logger): Promise<HandledResult & { erased?: { subscriberId: string } }> {
    const log = parent.child({ channel: event.channel, updateKey: event.updateKey, eventType: event.type });
    return db.transaction(async (tx) => {
      const fresh = await tx
        .insert(inboundUpdates)
        .values({ channel: event.channel, updateKey: event.updateKey })
        .onConflictDoNothing()
        .returning({ k: inboundUpdates.updateKey });
      if (!fresh.length) {
        log.info("replayed update ignored");
        return { event, duplicate: true, replies: [] };
      }
      const subscriber = await upsertSubscriber(tx, event);
      const state = await loadState(tx, subscriber.id);
      const replies: OutboundMessage[] = [];
      let next: ConversationStep | null = null;
      let erase = false;
      const turn: Turn = {
        tx,
        event,
        subscriber,
        state,
        locale: subscriber.locale,
        now: clock(),
        timeZone,
        log: log.child({ subscriberId: subscriber.id }),
        reply: (m) => void replies.push(m),
        setState: (s) => {
          next = s;
        },
        erase: () => {
          erase = true;
        },
      };
      await route(turn);
      if (erase) {
        await eraseSubscriber(tx, subscriber.id);
        log.info("subscriber erased");
        return { event, duplicate: false, replies, erased: { subscriberId: subscriber.id } };
      }
      const step: ConversationStep = next ?? stripOffered(state);
      const offered = offeredActions(replies[replies.length - 1]);
      const saved: ConversationState = offered.length ? { ...step, offered } : step;
      await saveState(tx, subscriber.id, saved);
      if (replies.length) {
        await enqueue(
          tx,
          replies.map((message) => ({ subscriberId: subscriber.id, channel: event.channel, kind: "reply", message, priority: PRIORITY_REPLY })),
        );
      }
      log.debug("inbound handled", { replies: replies.length, step: step.step });
      return { event, duplicate: false, replies, subscriberId: subscriber.id };
    });
  }

  return {
    async handle(events, log = deps.logger) {
      const results: HandledResult[] = [];
      let queued = false;
      try {
        for (const event of events) {
          const { erased, ...result } = await handleOne(event, log);
          results.push(result);
          if (erased) await sendErased(event, erased.subscriberId, result.replies, log);
          else if (result.replies.length) queued = true;
        }
      } finally {
        if (queued) deps.kick();
      }
      return results;
    },
  };

  async function sendErased(event: InboundEvent, subscriberId: string, replies: OutboundMessage[], log: Logger) {
    if (!deps.sendDirect) return;
    for (const m of replies) {
      try {
        await deps.sendDirect(event.channel, { subscriberId, externalId: event.externalId }, m);
      } catch (err) {
        log.warn("direct reply to an erased person failed", { channel: event.channel, err });
      }
    }
  }
}

function stripOffered(state: ConversationState): ConversationStep {
  const { offered: _offered, ...step } = state;
  return step;
}
