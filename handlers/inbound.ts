import type { InboundEvent } from "../src/channels/adapter.js";
import type { OutboundMessage, Recipient } from "../src/channels/message.js";
import { sql, type SQL } from "drizzle-orm";
import { queryRowsPrepared, type Db } from "../src/db/client.js";
import { PRIORITY_REPLY, type ChannelName } from "../src/db/schema/index.js";
import { enqueueQuery } from "../src/delivery/outbox.js";
import type { Logger } from "../src/logger.js";
import { offeredActions } from "./replies.js";
import { route } from "./route.js";
import { choicePrefetch } from "./answer.js";
import { createDraftCache } from "./drafts.js";
import { admitEvent, eraseSubscriber, loadStateVersioned, saveStateQuery, StaleConversation } from "./subscribers.js";
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
  const drafts = createDraftCache();

  async function handleOne(event: InboundEvent, parent: Logger): Promise<HandledResult & { erased?: { subscriberId: string } }> {
    // Child loggers are made only when something is logged (most turns log nothing at info level).
    let eventLog: Logger | undefined;
    const log = () => (eventLog ??= parent.child({ channel: event.channel, updateKey: event.updateKey, eventType: event.type }));
    for (let attempt = 1; ; attempt++) {
      try {
        return await runTurn(event, log, attempt > 1);
      } catch (err) {
        // Another turn of the same person changed the conversation meanwhile: nothing was kept, run it again.
        if (!(err instanceof StaleConversation) || attempt >= 5) throw err;
        log().debug("conversation changed during the turn; running it again", { attempt });
      }
    }
  }

  /**
   * One turn in one transaction. `lockFirst` (a retry): read the conversation in its own statement after the
   * person's lock is held, so turns of one person arriving together cannot keep invalidating each other.
   */
  function runTurn(event: InboundEvent, log: () => Logger, lockFirst: boolean): Promise<HandledResult & { erased?: { subscriberId: string } }> {
    return db.transaction(async (tx) => {
      // De-duplicate, lock the person and read their conversation in one round trip.
      const prefetch = event.type === "action" && !lockFirst ? choicePrefetch(drafts, event.action) : null;
      let admitted = await admitEvent(tx, event, prefetch?.columns);
      if (!admitted) {
        log().info("replayed update ignored");
        return { event, duplicate: true, replies: [] };
      }
      if (lockFirst) admitted = { ...admitted, ...(await loadStateVersioned(tx, admitted.subscriber.id)) };
      const { subscriber, state } = admitted;
      const replies: OutboundMessage[] = [];
      const deferred: SQL[] = [];
      let next: ConversationStep | null = null;
      let erase = false;
      let turnLog: Logger | undefined;
      const turn: Turn = {
        tx,
        event,
        subscriber,
        state,
        locale: subscriber.locale,
        now: clock(),
        timeZone,
        get log() {
          return (turnLog ??= log().child({ subscriberId: subscriber.id }));
        },
        reply: (m) => void replies.push(m),
        setState: (s) => {
          next = s;
        },
        erase: () => {
          erase = true;
        },
        defer: (write) => void deferred.push(write),
        drafts,
        ...(prefetch ? { prefetched: { choice: prefetch.take(admitted.row) } } : {}),
      };
      await route(turn);
      if (erase) {
        for (const write of deferred) await tx.execute(write);
        await eraseSubscriber(tx, subscriber.id);
        log().info("subscriber erased");
        return { event, duplicate: false, replies, erased: { subscriberId: subscriber.id } };
      }
      const step: ConversationStep = next ?? stripOffered(state);
      const offered = offeredActions(replies[replies.length - 1]);
      const saved: ConversationState = offered.length ? { ...step, offered } : step;
      // The deferred writes, the new state and the replies in one statement.
      const ctes = deferred.map((write, i) => sql`w${sql.raw(String(i))} as (${write}), `);
      if (replies.length) {
        const items = replies.map((message) => ({ subscriberId: subscriber.id, channel: event.channel, kind: "reply", message, priority: PRIORITY_REPLY }));
        ctes.push(sql`outbox as (${enqueueQuery(items)}), `);
      }
      const [r] = await queryRowsPrepared<{ saved: number }>(tx, sql`
        with ${sql.join(ctes)}saved as (${saveStateQuery(subscriber.id, saved, admitted.stateVersion)})
        select count(*)::int as saved from saved`);
      if (!r?.saved) throw new StaleConversation();
      log().debug("inbound handled", { replies: replies.length, step: step.step });
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
