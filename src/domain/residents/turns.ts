import type { SQL } from "drizzle-orm";
import { sql } from "../../db/sql.js";
import type { InboundEvent } from "../../channels/adapter.js";
import { offeredActions, type OutboundMessage } from "../../channels/message.js";
import { queryRowsPrepared, type Db, type DbOrTx } from "../../db/client.js";
import { PRIORITY_REPLY } from "../../db/schema/index.js";
import { enqueueQuery } from "../../delivery/outbox.js";
import type { Logger } from "../../logger.js";
import { choicePrefetch, choiceReadsUnchangedSql, type PrefetchedChoice } from "./answers.js";
import { loadStateVersioned, saveStateQuery, StaleConversation, stepOf, type ConversationState, type ConversationStep } from "./conversation.js";
import { createDraftCache } from "./drafts.js";
import { createResidentSession, NeedsTransaction, type ResidentSession } from "./session.js";
import { createTurnMemory, type TurnMemory } from "./turn-memory.js";
import { admitEvent, admitWrites, eraseSubscriber, type Admitted, type SubscriberRow } from "./subscribers.js";
import { createTurnReads } from "./turn-reads.js";

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
  memory = createTurnMemory(),
}: { db: Db; memory?: TurnMemory } & ResidentLimits): ResidentTurns {
  const drafts = createDraftCache();
  const reads = createTurnReads({ db });

  /** The turn's final writes as common table expressions: the deferred writes, then the replies into the outbox. */
  function turnWrites(event: InboundEvent, subscriberId: string, deferred: SQL[], replies: OutboundMessage[]): SQL[] {
    const ctes = deferred.map((write, i) => sql`w${sql.raw(String(i))} as (${write}), `);
    if (replies.length) {
      const items = replies.map((message) => ({ subscriberId, channel: event.channel, kind: "reply", message, priority: PRIORITY_REPLY }));
      ctes.push(sql`outbox as (${enqueueQuery(items)}), `);
    }
    return ctes;
  }

  /** The residents' domain bound to the admitted person; writes it defers are pushed to `deferred`. */
  function sessionFor(tx: DbOrTx, admitted: Admitted, prefetched: PrefetchedChoice | undefined, deferred: SQL[], directWrites: boolean): ResidentSession {
    return createResidentSession({
      tx,
      directWrites,
      subscriber: admitted.subscriber,
      drafts,
      commentsPerDraft,
      inviteGuessesPerHour,
      prefetched,
      defer: (write) => void deferred.push(write),
    });
  }

  function replayed(log: () => Logger): TurnOutcome {
    log().info("replayed update ignored");
    return { duplicate: true, replies: [] };
  }

  /** The state to save: the next step, with the numbered choices of the last reply. */
  function nextState(state: ConversationState, next: ConversationStep | null, replies: OutboundMessage[]): ConversationState {
    const step: ConversationStep = next ?? stepOf(state);
    const offered = offeredActions(replies[replies.length - 1]);
    return offered.length ? { ...step, offered } : step;
  }

  /**
   * A button press on a question whose draft is cached, the commonest turn, in two statements and no
   * transaction: a read (the person, their conversation, the answer's context; shared by the presses on the
   * same question arriving together, turn-reads.ts), then one statement that
   * records the update, touches the person, stores the answer, queues the reply and saves the conversation
   * over the version read — and aborts itself, undoing all of it, when the update was a replay or the
   * conversation changed meanwhile (drizzle/0005: gopy_abort_turn). When the person's last press was on the
   * same question (`memory`), the read is skipped: the statement then also checks everything the turn took
   * from memory, and on any difference the turn runs again with the read. Returns null when the turn needs a
   * transaction after all (a new person, a write that cannot be deferred, an erasure): nothing was written.
   */
  async function runInOneStatement(event: InboundEvent, decide: (turn: AdmittedTurn) => Promise<TurnDecision>, log: () => Logger): Promise<TurnOutcome | null> {
    const prefetch = event.type === "action" ? choicePrefetch(drafts, event.action) : null;
    if (!prefetch) return null;
    const remembered = memory.recall(event, prefetch);
    if (remembered) {
      const outcome = await writeTurn(event, decide, log, remembered.admitted, remembered.choice, true);
      if (outcome !== "stale") return outcome;
      memory.forget(event);
    }
    const looked = await reads.lookup(event, prefetch);
    if (looked === "unknown") return null;
    if (looked === "replay") return replayed(log);
    const outcome = await writeTurn(event, decide, log, looked, prefetch.take(looked.row), false);
    if (outcome === "stale") throw new StaleConversation();
    return outcome;
  }

  /** The decision and the single statement of a turn taken without a transaction (see runInOneStatement). */
  async function writeTurn(
    event: InboundEvent,
    decide: (turn: AdmittedTurn) => Promise<TurnDecision>,
    log: () => Logger,
    admitted: Admitted,
    choice: PrefetchedChoice,
    fromMemory: boolean,
  ): Promise<TurnOutcome | "stale" | null> {
    const { subscriber, state } = admitted;
    const deferred: SQL[] = [];
    const session = sessionFor(db, admitted, choice, deferred, false);
    // The answer this press records, if any: the current answer the next press from memory will assume.
    let recorded: number | undefined;
    const residents: ResidentSession = {
      ...session,
      recordChoice: (c) => {
        if (c.questionId === choice.questionId) recorded = c.index;
        session.recordChoice(c);
      },
    };
    let decision: TurnDecision;
    try {
      decision = await decide({ subscriber, state, residents });
    } catch (err) {
      if (err instanceof NeedsTransaction) return null;
      throw err;
    }
    const { replies, next, erase } = decision;
    if (erase) return null;
    const { fresh, touch } = admitWrites(event, subscriber.id, fromMemory ? subscriber : undefined);
    const ctes = [sql`fresh as (${fresh}), `, sql`touch as (${touch}), `];
    if (fromMemory) ctes.push(sql`reads as (${choiceReadsUnchangedSql(choice, subscriber.id)}), `);
    ctes.push(...turnWrites(event, subscriber.id, deferred, replies));
    const saved = nextState(state, next, replies);
    // From memory: the person and the question's reads must still be as remembered (or the turn runs again with a read).
    const unchanged = fromMemory ? sql` or not exists (select 1 from touch) or not exists (select 1 from reads)` : sql``;
    let version: string;
    try {
      const [row] = await queryRowsPrepared<{ version: string }>(db, sql`
        with ${sql.join(ctes)}saved as (${saveStateQuery(subscriber.id, saved, admitted.stateVersion)})
        select case when not exists (select 1 from fresh) then gopy_abort_turn('replay')
                    when not exists (select 1 from saved)${unchanged} then gopy_abort_turn('stale') else 1 end as ok,
          (select version from saved) as version`);
      version = row!.version;
    } catch (err) {
      const aborted = turnAbortReason(err);
      if (aborted === "replay") return replayed(log);
      if (aborted === "stale") return "stale";
      throw err;
    }
    memory.remember(event, {
      admitted: { ...admitted, state: saved, stateVersion: version },
      choice: recorded === undefined ? choice : { ...choice, current: recorded },
    });
    log().debug("inbound handled", { replies: replies.length, step: saved.step, statements: fromMemory ? 1 : 2 });
    return { duplicate: false, replies, subscriberId: subscriber.id };
  }

  /**
   * One turn in one transaction. `lockFirst` (a retry): read the conversation in its own statement after the
   * person's lock is held, so turns of one person arriving together cannot keep invalidating each other.
   */
  function runOnce(event: InboundEvent, decide: (turn: AdmittedTurn) => Promise<TurnDecision>, log: () => Logger, lockFirst: boolean): Promise<TurnOutcome> {
    return db.transaction(async (tx) => {
      // De-duplicate, lock the person and read their conversation in one round trip.
      const prefetch = event.type === "action" && !lockFirst ? choicePrefetch(drafts, event.action) : null;
      let admitted = await admitEvent(tx, event, prefetch?.columns);
      if (!admitted) return replayed(log);
      if (lockFirst) admitted = { ...admitted, ...(await loadStateVersioned(tx, admitted.subscriber.id)) };
      const { subscriber, state } = admitted;
      const deferred: SQL[] = [];
      const residents = sessionFor(tx, admitted, prefetch?.take(admitted.row), deferred, true);
      const { replies, next, erase } = await decide({ subscriber, state, residents });
      if (erase) {
        for (const write of deferred) await tx.execute(write);
        await eraseSubscriber(tx, subscriber.id);
        log().info("subscriber erased");
        return { duplicate: false, replies, erased: { subscriberId: subscriber.id } };
      }
      const saved = nextState(state, next, replies);
      // The deferred writes, the new state and the replies in one statement.
      const [r] = await queryRowsPrepared<{ saved: number }>(tx, sql`
        with ${sql.join(turnWrites(event, subscriber.id, deferred, replies))}saved as (${saveStateQuery(subscriber.id, saved, admitted.stateVersion)})
        select count(*)::int as saved from saved`);
      if (!r?.saved) throw new StaleConversation();
      log().debug("inbound handled", { replies: replies.length, step: saved.step });
      return { duplicate: false, replies, subscriberId: subscriber.id };
    });
  }

  return {
    async run(event, decide, log) {
      for (let attempt = 1; ; attempt++) {
        try {
          if (attempt === 1) {
            const quick = await runInOneStatement(event, decide, log);
            if (quick) return quick;
          }
          // A turn of another kind (or a retry) may change what a remembered press assumed, or erase the person.
          memory.forget(event);
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

/** The reason a turn's single statement aborted itself (gopy_abort_turn, SQLSTATE GT001), if that is what failed. */
function turnAbortReason(err: unknown): "replay" | "stale" | undefined {
  for (let e: unknown = err; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const { code, hint } = e as { code?: unknown; hint?: unknown };
    if (code === "GT001") return hint === "replay" ? "replay" : "stale";
  }
  return undefined;
}
