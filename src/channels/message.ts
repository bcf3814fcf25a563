/** A button under a message. `action` comes back in an InboundEvent of type "action". */
export interface Button {
  label: string;
  action: string;
  /** A URL button opens a link instead of sending an action back. */
  url?: string;
}

/** A channel-neutral outbound message, stored as JSON in the outbox. */
export interface OutboundMessage {
  text: string;
  /** Rows of buttons. Channels without buttons render a numbered text fallback. */
  buttons?: Button[][];
}

/** Where to send: the platform's id of the person, as a string. */
export interface Recipient {
  subscriberId: string;
  externalId: string;
  /**
   * For a channel that only reaches people within a window after their last message (Zalo OA,
   * `ChannelAdapter.recipientWindow`): their last interaction and locale, read by the delivery worker with
   * the claim (an interaction only moves it later: read a moment early, the window is judged no wider).
   */
  window?: { lastInteractionAt: Date | null; locale: string };
}

/**
 * The buttons of a message that send an action back (not links), in the order a numbered text fallback
 * lists them: typing "2" presses the second of these.
 */
export function offeredButtons(message: OutboundMessage | undefined): Button[] {
  return (message?.buttons ?? []).flat().filter((b) => !b.url);
}

/** The actions of `offeredButtons`, as the conversation remembers them for a typed number. */
export function offeredActions(message: OutboundMessage | undefined): string[] {
  return offeredButtons(message).map((b) => b.action);
}
