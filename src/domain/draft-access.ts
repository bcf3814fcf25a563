import { eq } from "drizzle-orm";
import type { DbOrTx } from "../db/client.js";
import { broadcasts, comments, drafts, type ApiRole } from "../db/schema/index.js";
import { forbidden } from "../errors.js";
import { principalLabel, type Principal } from "./api-keys.js";
import { isUuid, notFoundById } from "./ids.js";
import { getDraftRow } from "./drafts/queries.js";
import type { Actor } from "./drafts/types.js";

/**
 * Who may see and change which draft — the one module for it. Admins see every agency's drafts; drafters
 * and viewers only their own agency's. A draft (or its comment, or broadcast) of another agency is
 * answered exactly as an unknown id: 404, same text, so a key cannot learn what another agency drafts.
 */

/** Whoever acts: an API key's principal or a domain actor; both carry a role and an agency. */
export interface Viewer {
  role: ApiRole;
  agencyId: string | null;
}

export function actorOf(p: Principal): Actor {
  return { label: principalLabel(p), role: p.role, agencyId: p.agencyId, origin: p.origin };
}

/** Whether this viewer sees the rows of this agency. */
export function seesAgency(viewer: Viewer, agencyId: string | null): boolean {
  return viewer.role === "admin" || (agencyId !== null && viewer.agencyId === agencyId);
}

/** The draft, if the viewer may see it; else the one 404. `lock`: select … for update. */
export async function accessibleDraft(db: DbOrTx, viewer: Viewer, id: string, opts: { lock?: boolean } = {}) {
  const row = await getDraftRow(db, id, opts.lock ?? false);
  if (!seesAgency(viewer, row.agencyId)) throw notFoundById("draft", id);
  return row;
}

/** The comment, if the viewer may see its draft; else the one 404. */
export async function accessibleComment(db: DbOrTx, viewer: Viewer, id: string) {
  const [row] = isUuid(id) ? await db.select().from(comments).where(eq(comments.id, id)).limit(1) : [];
  if (!row) throw notFoundById("comment", id);
  const [draft] = await db.select({ agencyId: drafts.agencyId }).from(drafts).where(eq(drafts.id, row.draftId)).limit(1);
  if (!draft || !seesAgency(viewer, draft.agencyId)) throw notFoundById("comment", id);
  return row;
}

/** The broadcast id, if the viewer may see it (broadcasts of no draft, e.g. digests: admins only); else the one 404. */
export async function accessibleBroadcast(db: DbOrTx, viewer: Viewer, id: string): Promise<string> {
  const [row] = isUuid(id)
    ? await db.select({ agencyId: drafts.agencyId }).from(broadcasts).leftJoin(drafts, eq(drafts.id, broadcasts.draftId)).where(eq(broadcasts.id, id)).limit(1)
    : [];
  if (!row || !(viewer.role === "admin" || seesAgency(viewer, row.agencyId))) throw notFoundById("broadcast", id);
  return id;
}

/**
 * The agency a draft list is limited to: admins any (or none: every agency); other keys their own only,
 * and naming another agency is refused (the name is the caller's own words, not an id to keep secret).
 */
export function listAgencyScope(viewer: Viewer, requested: string | undefined): string | undefined {
  if (viewer.role === "admin") return requested;
  if (requested !== undefined && requested !== viewer.agencyId) {
    throw forbidden("Your key reads its own agency's drafts only.", [{ field: "agency", message: "not your agency" }]);
  }
  return viewer.agencyId ?? NO_AGENCY;
}
/** An agency id no row has: a key without an agency sees no draft. */
const NO_AGENCY = "00000000-0000-0000-0000-000000000000";

/** Viewers read only. */
export function assertCanWrite(actor: Viewer): void {
  if (actor.role === "viewer") {
    throw forbidden("A viewer key can read but not change anything.", [{ field: "Authorization", message: "role viewer cannot write" }]);
  }
}

export function assertAdmin(actor: Viewer, what: string): void {
  if (actor.role !== "admin") {
    throw forbidden(`Only an admin key can ${what}.`, [{ field: "Authorization", message: `role ${actor.role} cannot ${what}` }]);
  }
}
