import type { SQL } from "drizzle-orm";
import type { DbOrTx } from "../../db/client.js";
import type { SubscriptionRole } from "../../db/schema/index.js";
import { searchUnits, type UnitMatch } from "../../units/search.js";
import { choiceContext, currentChoice, draftTargets, recordChoiceWrites, recordLateChoice, type ChoiceContext, type ChoiceRecord, type PrefetchedChoice } from "./answers.js";
import { addComment, type CommentOutcome, type NewComment } from "./comments.js";
import { draftQuestions, findDraft, findQuestion, type DraftCache, type DraftRow, type QuestionRow } from "./drafts.js";
import { findInvite, redeemInvite, type InviteRow, type Redemption, mayGuessInvite, recordWrongInviteGuess } from "./invite-redemption.js";
import { confirmRelay, type RelayConfirmation } from "./relays.js";
import { detachContributions, personalData, recordConsent, type PersonalData } from "./data-rights.js";
import { cancelQueued, setStatus, type SubscriberRow } from "./subscribers.js";
import { addSubscription, listSubscriptions, removeSubscription, unitByCode, type SubscriptionView } from "./subscriptions.js";

type UnitRow = NonNullable<Awaited<ReturnType<typeof unitByCode>>>;

/**
 * The residents' domain as one person's turn sees it: every read and write a conversation needs, bound to
 * the turn's transaction and to the person. Handlers get this, never a transaction or SQL.
 */
export interface ResidentSession {
  /** Set the person's status (and record consent to every purpose of the notice, the first time, with `consent`). */
  setStatus(status: SubscriberRow["status"], consent?: boolean): Promise<void>;
  /** Stop (STOP) or mark gone (unfollow): the status, and everything still queued marked failed("stopped"). */
  stop(status: "stopped" | "gone"): Promise<number>;

  /** Everything kept about the person (`/dulieu`). */
  personalData(): Promise<PersonalData>;
  /** Before the person is erased: move their answers and comments to an anonymous stand-in (see data-rights.ts). */
  detachContributions(): Promise<void>;

  subscriptions(): Promise<SubscriptionView[]>;
  /** Follow a commune with a role; false when already followed so. */
  subscribe(unitCode: string, role?: SubscriptionRole): Promise<boolean>;
  /** Stop following a commune as a resident; false when it was not followed. */
  unsubscribe(unitCode: string): Promise<boolean>;
  unit(code: string): Promise<UnitRow | null>;
  searchUnits(query: string, limit: number): Promise<UnitMatch[]>;

  draft(id: string): Promise<DraftRow | null>;
  questions(draftId: string): Promise<QuestionRow[]>;
  question(id: string): Promise<QuestionRow | null>;
  /** Whether the draft asks this person (targets every commune or one they follow as a resident). */
  draftTargetsMe(draftId: string): Promise<boolean>;

  /** The person's current answer to a question, or null. */
  currentChoice(questionId: string): Promise<number | null>;
  /** What a choice on this question needs (draft as current, current answer, commune); null if the question is gone. */
  choiceContext(questionId: string): Promise<ChoiceContext | null>;
  /** Record an answer given in time (written with the turn's final statement). */
  recordChoice(c: Omit<ChoiceRecord, "subscriberId" | "channel">): void;
  /** Keep an answer given after the deadline, flagged late. */
  recordLateChoice(c: Omit<ChoiceRecord, "subscriberId" | "channel">): Promise<void>;
  /** Store a comment (flagged when moderation says so), or refuse it over the per-draft limit. */
  addComment(c: Omit<NewComment, "subscriberId" | "channel">): Promise<CommentOutcome>;

  invite(code: string): Promise<InviteRow | null>;
  /** Whether the person may try another invite code (fewer wrong ones than the hourly limit). */
  mayGuessInvite(): Promise<boolean>;
  /** Count a wrong invite code against the person's hourly limit. */
  recordWrongInviteGuess(): Promise<void>;
  /** Redeem an invite for the person, whose status is `status` as the turn last set it. */
  redeemInvite(code: string, officerName: string, status: SubscriberRow["status"]): Promise<Redemption>;
  confirmRelay(draftId: string, readAt: string): Promise<RelayConfirmation>;
}

/**
 * A turn taken in one statement without a transaction (turns.ts) asked for a write that cannot be deferred
 * to that statement: nothing was written; the turn is run again in a transaction.
 */
export class NeedsTransaction extends Error {
  constructor(what: string) {
    super(`${what} needs the turn's transaction`);
    this.name = "NeedsTransaction";
  }
}

export interface SessionContext {
  tx: DbOrTx;
  /** false: no transaction is open; every write must be deferred, and any other write throws NeedsTransaction. */
  directWrites?: boolean;
  subscriber: SubscriberRow;
  drafts: DraftCache;
  prefetched?: PrefetchedChoice | undefined;
  /** Most comments one person may leave on one draft. */
  commentsPerDraft: number;
  /** Most wrong invite codes one person may try in an hour. */
  inviteGuessesPerHour: number;
  /** Queue a write for the turn's final statement. */
  defer(write: SQL): void;
}

export function createResidentSession(ctx: SessionContext): ResidentSession {
  const { tx, subscriber, drafts } = ctx;
  const id = subscriber.id;
  const mine = <T extends object>(c: T) => ({ ...c, subscriberId: id, channel: subscriber.channel });
  /** A write made now, in the turn's transaction (refused when there is none: see NeedsTransaction). */
  const write = <A extends unknown[], R>(what: string, f: (...args: A) => Promise<R>) => (...args: A): Promise<R> =>
    ctx.directWrites === false ? Promise.reject(new NeedsTransaction(what)) : f(...args);
  return {
    setStatus: write("setStatus", async (status, consent = false) => {
      await setStatus(tx, id, status, consent);
      if (consent) await recordConsent(tx, id);
    }),
    personalData: () => personalData(tx, subscriber),
    detachContributions: write("detachContributions", async () => {
      await detachContributions(tx, subscriber);
    }),
    stop: write("stop", async (status) => {
      await setStatus(tx, id, status);
      return cancelQueued(tx, id);
    }),
    subscriptions: () => listSubscriptions(tx, id),
    subscribe: write("subscribe", (unitCode, role) => addSubscription(tx, id, unitCode, role)),
    unsubscribe: write("unsubscribe", (unitCode) => removeSubscription(tx, id, unitCode)),
    unit: (code) => unitByCode(tx, code),
    searchUnits: (query, limit) => searchUnits(tx, query, limit),
    draft: (draftId) => findDraft(tx, draftId),
    questions: (draftId) => draftQuestions(tx, draftId),
    question: (questionId) => findQuestion(tx, questionId),
    draftTargetsMe: (draftId) => draftTargets(tx, id, draftId),
    currentChoice: (questionId) => currentChoice(tx, id, questionId),
    choiceContext: (questionId) => choiceContext(tx, drafts, id, questionId, ctx.prefetched),
    recordChoice: (c) => recordChoiceWrites(mine(c)).forEach((w) => ctx.defer(w)),
    recordLateChoice: write("recordLateChoice", (c) => recordLateChoice(tx, mine(c))),
    addComment: write("addComment", (c) => addComment(tx, mine(c), ctx.commentsPerDraft)),
    invite: (code) => findInvite(tx, code),
    mayGuessInvite: () => mayGuessInvite(tx, id, ctx.inviteGuessesPerHour),
    recordWrongInviteGuess: write("recordWrongInviteGuess", () => recordWrongInviteGuess(tx, id)),
    redeemInvite: write("redeemInvite", (code, officerName, status) => redeemInvite(tx, { id, status }, code, officerName)),
    confirmRelay: write("confirmRelay", (draftId, readAt) => confirmRelay(tx, id, draftId, readAt)),
  };
}
