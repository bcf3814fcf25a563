import { eq } from "drizzle-orm";
import type { DbOrTx } from "../db/client.js";
import { agencies } from "../db/schema/index.js";
import { fold } from "../text/fold.js";
import { requiredText } from "./fields.js";
import { isUuid } from "./ids.js";

/** The key agencies are matched by: the name without case, diacritics or punctuation ("" for "!!!"). */
export const agencyKey = (name: string) => fold(name);

/** An agency's name or id in a body or query: text with at least one letter or digit to match by. */
export const agencyNameField = requiredText(300).refine((v) => agencyKey(v) !== "", "must contain a letter or a digit");

/** The agency with this id, or whose name matches this one; null when none does (or the name has no key). */
export async function findAgency(db: DbOrTx, nameOrId: string) {
  if (isUuid(nameOrId)) {
    const [row] = await db.select().from(agencies).where(eq(agencies.id, nameOrId)).limit(1);
    return row ?? null;
  }
  const key = agencyKey(nameOrId);
  if (!key) return null;
  const [row] = await db.select().from(agencies).where(eq(agencies.nameKey, key)).limit(1);
  return row ?? null;
}

/** Agencies are matched by name without regard to case or diacritics; a name with nothing to match by creates none. */
export async function findOrCreateAgency(db: DbOrTx, nameOrId: string) {
  const found = await findAgency(db, nameOrId);
  if (found) return found;
  if (isUuid(nameOrId) || !agencyKey(nameOrId)) return null;
  const [row] = await db
    .insert(agencies)
    .values({ name: nameOrId.trim(), nameKey: agencyKey(nameOrId) })
    .onConflictDoNothing()
    .returning();
  return row ?? (await findAgency(db, nameOrId));
}
