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
}
