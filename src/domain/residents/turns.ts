import { sql, type SQL } from "drizzle-orm";
import type { InboundEvent } from "../../channels/adapter.js";
import { offeredActions, type OutboundMessage } from "../../channels/message.js";
import { queryRowsPrepared, type Db } from "../../db/client.js";
import { PRIORITY_REPLY } from "../../db/schema/index.js";
import { enqueueQuery } from "../../delivery/outbox.js";
import type { Logger } from "../../logger.js";
import { choicePrefetch } from "./answers.js";
import { loadStateVersioned, saveStateQuery, StaleConversation, stepOf, type ConversationState, type ConversationStep } from "./conversation.js";
import { createDraftCache } from "./drafts.js";
import { createResidentSession, type ResidentSession } from "./session.js";
import { admitEvent, eraseSubscriber, type SubscriberRow } from "./subscribers.js";

/** A person admitted for one turn: who they are, where their conversation stands, and the domain bound to them. */
export interface AdmittedTurn {
  subscriber: SubscriberRow;
  state: ConversationState;
  residents: ResidentSession;
}

/** What the conversation decided in a turn: the replies, the next step (null: unchanged), whether to erase the person. */
export interface TurnDecision {
  replies: OutboundMessage[];
  next: ConversationStep | null;
  erase: boolean;
}

export interface TurnOutcome {
  /** true: this update was handled before (a replay); nothing was done. */
  duplicate: boolean;
  replies: OutboundMessage[];
  subscriberId?: string;
  /** The person was erased (declined consent, or STOP before consent): the replies are not in the outbox. */
  erased?: { subscriberId: string };
}

export interface ResidentTurns {
  /**
   * One inbound event as one transaction: de-duplicate, upsert and lock the person, read their conversation,
   * let `decide` choose what to do through the residents' domain, then write the deferred writes, the new
   * state (with the numbered choices of the last reply) and the replies in the outbox in one statement.
   * Run again (with a fresh `decide` call) when another turn of the same person changed the conversation.
   */
  run(event: InboundEvent, decide: (turn: AdmittedTurn) => Promise<TurnDecision>, log: () => Logger): Promise<TurnOutcome>;
}

/** The residents' unit of work; keeps drafts and questions between turns (checked before use). */
/** Default most comments one person may leave on one draft (config COMMENTS_PER_DRAFT_LIMIT). */
export const DEFAULT_COMMENTS_PER_DRAFT = 5;

/** Default most wrong invite codes one person may try in an hour (config INVITE_GUESSES_PER_HOUR). */
export const DEFAULT_INVITE_GUESSES_PER_HOUR = 5;

export interface ResidentLimits {
  /** Most comments one person may leave on one draft. */
  commentsPerDraft?: number;
  /** Most wrong invite codes one person may try in an hour. */
  inviteGuessesPerHour?: number;
}

export function createResidentTurns({
  db,
  commentsPerDraft = DEFAULT_COMMENTS_PER_DRAFT,
  inviteGuessesPerHour = DEFAULT_INVITE_GUESSES_PER_HOUR,
}: { db: Db } & ResidentLimits): ResidentTurns {
  const drafts = createDraftCache();

  /**
   * One turn in one transaction. `lockFirst` (a retry): read the conversation in its own statement after the
   * person's lock is held, so turns of one person arriving together cannot keep invalidating each other.
   */
  function runOnce(event: InboundEvent, decide: (turn: AdmittedTurn) => Promise<TurnDecision>, log: () => Logger, lockFirst: boolean): Promise<TurnOutcome> {
    return db.transaction(async (tx) => {
      // De-duplicate, lock the person and read their conversation in one round trip.
      const prefetch = event.type === "action" && !lockFirst ? choicePrefetch(drafts, event.action) : null;
      let admitted = await admitEvent(tx, event, prefetch?.columns);
      if (!admitted) {
        log().info("replayed update ignored");
        return { duplicate: true, replies: [] };
      }
      if (lockFirst) admitted = { ...admitted, ...(await loadStateVersioned(tx, admitted.subscriber.id)) };
      const { subscriber, state } = admitted;
      const deferred: SQL[] = [];
      const residents = createResidentSession({
        tx,
        subscriber,
        drafts,
        commentsPerDraft,
        inviteGuessesPerHour,
        prefetched: prefetch?.take(admitted.row),
        defer: (write) => void deferred.push(write),
      });
      const { replies, next, erase } = await decide({ subscriber, state, residents });
      if (erase) {
        for (const write of deferred) await tx.execute(write);
        await eraseSubscriber(tx, subscriber.id);
        log().info("subscriber erased");
        return { duplicate: false, replies, erased: { subscriberId: subscriber.id } };
      }
      const step: ConversationStep = next ?? stepOf(state);
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
      return { duplicate: false, replies, subscriberId: subscriber.id };
    });
  }

  return {
    async run(event, decide, log) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await runOnce(event, decide, log, attempt > 1);
        } catch (err) {
          // Another turn of the same person changed the conversation meanwhile: nothing was kept, run it again.
          if (!(err instanceof StaleConversation) || attempt >= 5) throw err;
          log().debug("conversation changed during the turn; running it again", { attempt });
        }
      }
    },
  };
}
