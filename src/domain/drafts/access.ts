import { principalLabel, type Principal } from "../api-keys.js";
import { forbidden } from "../../errors.js";
import type { Actor } from "./types.js";

export function actorOf(p: Principal): Actor {
  return { label: principalLabel(p), role: p.role, agencyId: p.agencyId };
}

/** Viewers read only. */
export function assertCanWrite(actor: Actor): void {
  if (actor.role === "viewer") {
    throw forbidden("A viewer key can read drafts but not change them.", [{ field: "Authorization", message: "role viewer cannot write" }]);
  }
}

/** Admins act on every agency; drafters and viewers on their own agency's drafts only. */
export function assertOwnAgency(actor: Actor, agencyId: string, field = "draftingAgency"): void {
  if (actor.role === "admin") return;
  if (actor.agencyId !== agencyId) {
    throw forbidden("This draft belongs to another agency; your key acts for its own agency only.", [
      { field, message: "not your agency" },
    ]);
  }
}

export function assertAdmin(actor: Actor, what: string): void {
  if (actor.role !== "admin") {
    throw forbidden(`Only an admin key can ${what}.`, [{ field: "Authorization", message: `role ${actor.role} cannot ${what}` }]);
  }
}
