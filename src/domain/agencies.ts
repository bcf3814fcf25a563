import { eq } from "drizzle-orm";
import type { DbOrTx } from "../db/client.js";
import { agencies } from "../db/schema/index.js";
import { fold } from "../text/fold.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findAgency(db: DbOrTx, nameOrId: string) {
  if (UUID.test(nameOrId)) {
    const [row] = await db.select().from(agencies).where(eq(agencies.id, nameOrId)).limit(1);
    return row ?? null;
  }
  const [row] = await db.select().from(agencies).where(eq(agencies.nameKey, fold(nameOrId))).limit(1);
  return row ?? null;
}

/** Agencies are matched by name without regard to case or diacritics. */
export async function findOrCreateAgency(db: DbOrTx, nameOrId: string) {
  const found = await findAgency(db, nameOrId);
  if (found) return found;
  if (UUID.test(nameOrId)) return null;
  const [row] = await db
    .insert(agencies)
    .values({ name: nameOrId.trim(), nameKey: fold(nameOrId) })
    .onConflictDoNothing()
    .returning();
  return row ?? (await findAgency(db, nameOrId));
}
