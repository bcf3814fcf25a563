import { eq } from "drizzle-orm";
import { drafts } from "../../db/schema/index.js";
import { conflict } from "../../errors.js";
import { recordAudit } from "../audit.js";
import { accessibleDraft, assertAdmin } from "../draft-access.js";
import { getDraftView } from "./queries.js";
import type { DraftView } from "./schemas.js";
import type { Actor, DraftDeps } from "./types.js";

/** Close a published draft early (admin only): open or scheduled → closed. */
export async function closeDraft(
  deps: Pick<DraftDeps, "db" | "now">,
  actor: Actor,
  id: string,
  input: { reason?: string | undefined },
): Promise<DraftView> {
  assertAdmin(actor, "close a draft early");
  const now = deps.now?.() ?? new Date();
  return deps.db.transaction(async (tx) => {
    const row = await accessibleDraft(tx, actor, id, { lock: true });
    if (row.status !== "open" && row.status !== "scheduled") {
      throw conflict(`Only an open or scheduled draft can be closed; this one is ${row.status}.`, [
        { field: "status", message: `draft is ${row.status}` },
      ]);
    }
    await tx.update(drafts).set({ status: "closed", closedAt: now, updatedAt: now }).where(eq(drafts.id, id));
    await recordAudit(tx, {
      actor: actor.label,
      origin: actor.origin,
      action: "draft.close",
      entityType: "draft",
      entityId: id,
      details: { from: row.status, early: true, ...(input.reason ? { reason: input.reason } : {}) },
    });
    return getDraftView(tx, id);
  });
}
