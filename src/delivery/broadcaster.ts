import type { DbOrTx } from "../db/client.js";

/**
 * The seam between the draft lifecycle and the delivery engine. Each method runs inside the caller's
 * transaction (the state change and the enqueue commit together) and returns the broadcast it created.
 */
export interface Broadcaster {
  /** A draft was published (open or scheduled): announce it to residents and relay scripts to propagandists. */
  draftPublished(tx: DbOrTx, draftId: string, actor: string): Promise<BroadcastRef | null>;
  /** The comment period of an open draft was extended. */
  draftExtended(tx: DbOrTx, draftId: string, actor: string): Promise<BroadcastRef | null>;
  /** An officer sent a correction to everyone who received the draft. */
  draftCorrected(tx: DbOrTx, draftId: string, actor: string, note: string): Promise<BroadcastRef | null>;
  /** Wake the sender after the transaction committed. */
  kick(): void;
}

export interface BroadcastRef {
  broadcastId: string;
  recipients: number;
}

/** A broadcaster that sends nothing (until the delivery engine is wired). */
export const noBroadcast: Broadcaster = {
  draftPublished: () => Promise.resolve(null),
  draftExtended: () => Promise.resolve(null),
  draftCorrected: () => Promise.resolve(null),
  kick: () => undefined,
};
