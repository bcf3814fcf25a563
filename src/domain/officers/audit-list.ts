import { desc } from "drizzle-orm";
import type { DbOrTx } from "../../db/client.js";
import { auditLog } from "../../db/schema/index.js";

/** The newest entries of the audit log (the console's audit page; admins only, checked by the caller). */
export async function listAudit(db: DbOrTx, limit = 200) {
  return db.select().from(auditLog).orderBy(desc(auditLog.at), desc(auditLog.id)).limit(limit);
}
