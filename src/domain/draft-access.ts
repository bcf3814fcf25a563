import { eq } from "drizzle-orm";
import type { DbOrTx } from "../db/client.js";
import { drafts } from "../db/schema/index.js";
import { forbidden, notFound } from "../errors.js";
import type { Principal } from "./api-keys.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A draft the principal may read: admins read every draft; drafters and viewers only their own
 * agency's. Unknown (or malformed) id → 404; another agency's draft → 403.
 */
export async function getReadableDraft(db: DbOrTx, principal: Principal, draftId: string) {
  const [draft] = UUID.test(draftId) ? await db.select().from(drafts).where(eq(drafts.id, draftId)).limit(1) : [];
  if (!draft) throw notFound(`No draft with id ${draftId}.`);
  if (principal.role !== "admin" && principal.agencyId !== draft.agencyId) {
    throw forbidden("This draft belongs to another agency; your key can read only its own agency's drafts.", [
      { field: "id", message: "a draft of another agency" },
    ]);
  }
  return draft;
}
