import type { RememberChoices } from "../../channels/remember-choices.js";
import type { Db } from "../../db/client.js";
import { rememberOffered } from "./offered-choices.js";
import { createResidentTurns, type ResidentLimits, type ResidentTurns } from "./turns.js";

export type { AdmittedTurn, ResidentTurns, TurnDecision, TurnOutcome } from "./turns.js";
export type { ResidentSession } from "./session.js";
export type { ConversationState, ConversationStep, Pending } from "./conversation.js";
export type { SubscriberRow } from "./subscribers.js";
export type { DraftRow, QuestionRow, Period } from "./drafts.js";
export { periodOf } from "./drafts.js";
export { keptComment, MAX_COMMENT_CHARS } from "./comments.js";
export { CONSENT_NOTICE_VERSION, type PersonalData, type ConsentView } from "./data-rights.js";
export { inviteRefusal, type InviteRefusal } from "./invite-redemption.js";

/** The residents' side of the domain, as the service wires it: inbound turns, and the numbered choices of other messages. */
export interface ResidentsDomain {
  turns: ResidentTurns;
  /** Remember the numbered choices of a message that is not a reply (channels without buttons). */
  rememberChoices: RememberChoices;
}

export function createResidentsDomain({ db, ...limits }: { db: Db } & ResidentLimits): ResidentsDomain {
  return { turns: createResidentTurns({ db, ...limits }), rememberChoices: rememberOffered(db) };
}
