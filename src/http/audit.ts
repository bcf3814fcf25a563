import type { Response } from "express";
import type { DbOrTx } from "../db/client.js";
import { recordAudit, type AuditEntry } from "../domain/audit.js";
import { principalOf } from "./auth.js";

/**
 * Record an officer's action from a route handler: who (the request's API key), from where (address and
 * User-Agent) and when (now) are filled in; the caller says what. Use inside the action's transaction
 * when there is one (`db` may be a transaction).
 */
export async function audit(db: DbOrTx, res: Response, what: Omit<AuditEntry, "actor" | "origin">): Promise<void> {
  const p = principalOf(res);
  await recordAudit(db, { ...what, actor: `key:${p.keyId}`, origin: p.origin });
}
