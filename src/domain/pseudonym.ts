import { createHmac, randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { DbOrTx } from "../db/client.js";
import { settings } from "../db/schema/index.js";

const SECRET_KEY = "pseudonym_secret";

/**
 * The secret that keys subscriber pseudonyms: PSEUDONYM_SECRET when configured, otherwise a random
 * secret generated once and kept in the `settings` table (so pseudonyms survive restarts, and several
 * instances sharing one PostgreSQL agree on it).
 */
export async function pseudonymSecret(db: DbOrTx, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  await db.insert(settings).values({ key: SECRET_KEY, value: randomBytes(32).toString("hex") }).onConflictDoNothing();
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, SECRET_KEY)).limit(1);
  if (!row) throw new Error("the pseudonym secret could not be stored");
  return row.value;
}

/**
 * Pseudonyms for one draft's export: HMAC-SHA256 of the subscriber id under a key derived from the
 * secret and the draft id. The same subscriber gets the same pseudonym in every export of a draft,
 * and different pseudonyms in different drafts (exports of two drafts cannot be joined on a person).
 */
export function draftPseudonymizer(secret: string, draftId: string): (subscriberId: string) => string {
  const draftKey = createHmac("sha256", secret).update(`gopy-draft:${draftId}`).digest();
  return (subscriberId) => "R-" + createHmac("sha256", draftKey).update(subscriberId).digest("hex").slice(0, 16);
}
