import type { InboundEvent } from "../../channels/adapter.js";
import type { PrefetchedChoice } from "./answers.js";
import type { Admitted } from "./subscribers.js";

/** What a person's last button press left: who they were, where their conversation stood, what the question's reads were. */
export interface RememberedTurn {
  admitted: Admitted;
  /** The reads of the question pressed last, as they stood after that press. */
  choice: PrefetchedChoice;
}

/**
 * The last button press of recent people, so that their next press on the same question can skip the
 * turn's first statement (a read) and go straight to the one statement that writes the turn. Nothing here
 * is trusted: that statement checks every remembered fact against the database (the update is new, the
 * conversation's version, the person's status, consent and language, the question's reads — the draft's
 * version, the current answer, the commune, the targeting) and undoes itself when any differs, and the turn
 * then runs with a fresh read. So a change made elsewhere (another instance, an officer, a turn on another
 * channel) costs a retry, never a wrong answer. Bounded by size and age; the person's name is not kept.
 */
export interface TurnMemory {
  /** The remembered press of this person on this question of this draft version, if recent. */
  recall(event: InboundEvent, choice: { questionId: string; draftId: string; version: string }): RememberedTurn | undefined;
  remember(event: InboundEvent, turn: RememberedTurn): void;
  forget(event: InboundEvent): void;
}

export function createTurnMemory({ max = 10_000, ttlMs = 5 * 60_000, now = Date.now }: { max?: number; ttlMs?: number; now?: () => number } = {}): TurnMemory {
  const entries = new Map<string, RememberedTurn & { at: number }>();
  const keyOf = (e: InboundEvent) => `${e.channel}\u0000${e.externalId}`;
  return {
    recall(event, { questionId, draftId, version }) {
      const key = keyOf(event);
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (now() - entry.at > ttlMs) {
        entries.delete(key);
        return undefined;
      }
      const c = entry.choice;
      return c.questionId === questionId && c.draftId === draftId && c.version === version ? entry : undefined;
    },
    remember(event, turn) {
      const key = keyOf(event);
      entries.delete(key); // re-inserted last: the Map's order is the order of use
      if (entries.size >= max) entries.delete(entries.keys().next().value!);
      const subscriber = { ...turn.admitted.subscriber, displayName: null };
      entries.set(key, { admitted: { ...turn.admitted, row: {}, subscriber }, choice: turn.choice, at: now() });
    },
    forget(event) {
      entries.delete(keyOf(event));
    },
  };
}
