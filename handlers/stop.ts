import type { MessageKey } from "../src/i18n/index.js";
import { text } from "../src/messages/replies.js";
import type { Turn } from "./types.js";

/**
 * STOP wins whatever conversation is in progress: status stopped, conversation reset, and everything still
 * queued for the person marked failed("stopped") so it is never sent. Someone who never consented is
 * erased instead (nothing is kept about them).
 */
export async function stop(turn: Turn): Promise<void> {
  const { subscriber, locale } = turn;
  if (!subscriber.consentAt) {
    eraseOrDecline(turn, "stop.erased");
    return;
  }
  const cancelled = await turn.residents.stop("stopped");
  turn.log.info("subscriber stopped", { cancelled });
  turn.setState({ step: "idle" });
  turn.reply(text(locale, "stop.done"));
}

/** A Zalo unfollow: nothing can be sent any more (no reply), stop like STOP. */
export async function unfollow(turn: Turn): Promise<void> {
  if (!turn.subscriber.consentAt) {
    turn.erase();
    return;
  }
  await turn.residents.stop("gone");
  turn.setState({ step: "idle" });
}

/** Erase a person who has not consented, with one last reply sent directly (not kept in the outbox). */
export function eraseOrDecline(turn: Turn, key: MessageKey): void {
  turn.reply(text(turn.locale, key));
  turn.erase();
}
