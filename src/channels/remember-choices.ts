import type { Logger } from "../logger.js";
import { offeredActions, type OutboundMessage } from "./message.js";

/** Records the actions of numbered choices for one subscriber (src/domain/residents/offered-choices.ts writes the conversation). */
export type RememberChoices = (subscriberId: string, actions: string[]) => Promise<void>;

/** Record the numbered choices of a non-reply message; a failure is logged, never fails the delivery. */
export async function remember(
  fn: RememberChoices | undefined,
  subscriberId: string,
  message: OutboundMessage,
  kind: string | undefined,
  log: Logger,
): Promise<void> {
  if (!fn || kind === "reply") return;
  const actions = offeredActions(message);
  if (!actions.length) return;
  try {
    await fn(subscriberId, actions);
  } catch (err) {
    log.warn("could not remember the numbered choices sent", { subscriberId, err });
  }
}

