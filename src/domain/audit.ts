import { and, desc, eq, gte, lt, lte, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../db/client.js";
import { apiKeys, auditLog } from "../db/schema/index.js";

/** Where an officer's request came from: the client address as the service sees it, and its User-Agent. */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

export interface AuditEntry {
  /** Who: "key:<api key id>", "cli", "scheduler"… */
  actor: string;
  /** What: "draft.publish", "comment.update", "feedback.export"… */
  action: string;
  entityType: string;
  entityId?: string | null;
  details?: Record<string, unknown>;
  /** From where (officers' requests); absent for jobs and the CLI. */
  origin?: RequestOrigin | undefined;
}

/** Record one action in the audit log (inside the action's transaction when there is one). */
export async function recordAudit(db: DbOrTx, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    actor: entry.actor,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId ?? null,
    details: entry.details ?? {},
    ip: entry.origin?.ip ?? null,
    userAgent: entry.origin?.userAgent ?? null,
  });
}

export interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
  entityType?: string | undefined;
  entityId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Entries older than this id (the previous page's nextCursor). */
  before?: number | undefined;
  limit: number;
}

/** Newest first, `limit` at a time; the actor's key name when the actor is an API key. */
export async function listAudit(db: DbOrTx, f: AuditFilter) {
  const where: SQL[] = [];
  if (f.actor) where.push(eq(auditLog.actor, f.actor));
  if (f.action) where.push(eq(auditLog.action, f.action));
  if (f.entityType) where.push(eq(auditLog.entityType, f.entityType));
  if (f.entityId) where.push(eq(auditLog.entityId, f.entityId));
  if (f.from) where.push(gte(auditLog.at, f.from));
  if (f.to) where.push(lte(auditLog.at, f.to));
  if (f.before !== undefined) where.push(lt(auditLog.id, f.before));
  const rows = await db
    .select({
      id: auditLog.id,
      at: auditLog.at,
      actor: auditLog.actor,
      actorName: apiKeys.name,
      action: auditLog.action,
      entityType: auditLog.entityType,
      entityId: auditLog.entityId,
      details: auditLog.details,
      ip: auditLog.ip,
      userAgent: auditLog.userAgent,
    })
    .from(auditLog)
    .leftJoin(apiKeys, sql`${auditLog.actor} = 'key:' || ${apiKeys.id}::text`)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(f.limit + 1);
  const page = rows.slice(0, f.limit);
  return {
    items: page.map((r) => ({ ...r, id: String(r.id), at: r.at.toISOString() })),
    nextCursor: rows.length > f.limit ? String(page.at(-1)!.id) : null,
  };
}
