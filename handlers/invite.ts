import { inviteRefusal, type InviteRefusal } from "../src/domain/residents/index.js";
import { t, type MessageKey } from "../src/i18n/index.js";
import { text } from "../src/messages/replies.js";
import { askConsent } from "./consent-notice.js";
import type { Turn } from "./types.js";

const REFUSAL: Record<InviteRefusal, MessageKey> = {
  unknown: "invite.unknown",
  alreadyJoined: "invite.alreadyJoined",
  used: "invite.used",
  expired: "invite.expired",
};

/**
 * "/start i_<code>" or the typed code: join as propagandist (or officer) for the invite's communes.
 * Single use: the invite is marked used atomically; expired or used codes get a clear reply.
 * Returns false when the code is not an invite (so typed text can be tried as a commune name).
 */
export async function joinByInvite(turn: Turn, code: string, typed: boolean): Promise<boolean> {
  const { locale, subscriber } = turn;
  if (!(await turn.residents.mayGuessInvite())) {
    turn.setState({ step: "idle" });
    turn.reply(text(locale, "invite.tooManyGuesses"));
    return true;
  }
  const inv = await turn.residents.invite(code);
  if (!inv) await turn.residents.recordWrongInviteGuess();
  if (!inv && typed) return false;
  const refusal = inviteRefusal(inv, subscriber.id, turn.now);
  if (refusal) {
    turn.setState({ step: "idle" });
    turn.reply(text(locale, REFUSAL[refusal]));
    return true;
  }
  if (!subscriber.consentAt) {
    askConsent(turn, { kind: "invite", code });
    return true;
  }
  await redeemInvite(turn, code);
  return true;
}

/** Mark the invite used (if still usable) and give the person its role. */
export async function redeemInvite(turn: Turn, code: string): Promise<void> {
  const { locale, subscriber } = turn;
  turn.setState({ step: "idle" });
  const r = await turn.residents.redeemInvite(code, turn.event.displayName ?? subscriber.displayName ?? "officer", subscriber.status);
  if (!r.ok) {
    turn.reply(text(locale, REFUSAL[r.refusal]));
    return;
  }
  turn.log.info("invite redeemed", { role: r.role, units: r.unitCount });
  if (r.role === "officer") {
    turn.reply(text(locale, "invite.joinedOfficer"));
    return;
  }
  turn.reply(text(locale, "invite.joined", { role: t(locale, "sub.role.propagandist"), units: r.unitNames.join(", ") }));
}
