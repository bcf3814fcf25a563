import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { invites, adminUnits, officers } from "../src/db/schema/index.js";
import { t } from "../src/i18n/index.js";
import { text } from "./replies.js";
import { addSubscription, setStatus } from "./subscribers.js";
import { askConsent } from "./consent-notice.js";
import type { Turn } from "./types.js";

/**
 * "/start i_<code>" or the typed code: join as propagandist (or officer) for the invite's communes.
 * Single use: the invite is marked used atomically; expired or used codes get a clear reply.
 * Returns false when the code is not an invite (so typed text can be tried as a commune name).
 */
export async function joinByInvite(turn: Turn, code: string, typed: boolean): Promise<boolean> {
  const { tx, locale, subscriber } = turn;
  const [inv] = await tx.select().from(invites).where(eq(invites.code, code));
  if (!inv) {
    if (typed) return false;
    turn.setState({ step: "idle" });
    turn.reply(text(locale, "invite.unknown"));
    return true;
  }
  if (inv.usedAt) {
    turn.setState({ step: "idle" });
    turn.reply(text(locale, inv.usedBy === subscriber.id ? "invite.alreadyJoined" : "invite.used"));
    return true;
  }
  if (inv.expiresAt && inv.expiresAt <= turn.now) {
    turn.setState({ step: "idle" });
    turn.reply(text(locale, "invite.expired"));
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
  const { tx, locale, subscriber } = turn;
  turn.setState({ step: "idle" });
  const [inv] = await tx
    .update(invites)
    .set({ usedBy: subscriber.id, usedAt: sql`now()` })
    .where(and(eq(invites.code, code), isNull(invites.usedAt), sql`(${invites.expiresAt} is null or ${invites.expiresAt} > now())`))
    .returning();
  if (!inv) {
    const [again] = await tx.select().from(invites).where(eq(invites.code, code));
    const key = !again ? "invite.unknown" : again.usedAt ? (again.usedBy === subscriber.id ? "invite.alreadyJoined" : "invite.used") : "invite.expired";
    turn.reply(text(locale, key));
    return;
  }
  if (subscriber.status !== "active") await setStatus(tx, subscriber.id, "active");
  for (const unitCode of inv.unitCodes) await addSubscription(tx, subscriber.id, unitCode, inv.role);
  turn.log.info("invite redeemed", { role: inv.role, units: inv.unitCodes.length });
  if (inv.role === "officer") {
    await tx.insert(officers).values({ agencyId: inv.agencyId, name: turn.event.displayName ?? subscriber.displayName ?? "officer", subscriberId: subscriber.id });
    turn.reply(text(locale, "invite.joinedOfficer"));
    return;
  }
  const units = inv.unitCodes.length
    ? await tx.select({ name: adminUnits.name }).from(adminUnits).where(inArray(adminUnits.code, inv.unitCodes))
    : [];
  turn.reply(text(locale, "invite.joined", { role: t(locale, "sub.role.propagandist"), units: units.map((u) => u.name).join(", ") }));
}
