import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { agencies, apiKeys, type ApiRole } from "../db/schema/index.js";
import { findOrCreateAgency } from "./agencies.js";
import { recordAudit, type RequestOrigin } from "./audit.js";

export interface Principal {
  keyId: string;
  name: string;
  role: ApiRole;
  agencyId: string | null;
  /** Where the request came from, for the audit log. */
  origin?: RequestOrigin;
  /** Who acts, for the audit log: "officer:<login>" for a console session; "key:<id>" by default. */
  label?: string;
}

/** The audit label of a principal: "key:<id>" for an API key, "officer:<login>" for a console session. */
export function principalLabel(p: Principal): string {
  return p.label ?? `key:${p.keyId}`;
}

export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export async function createApiKey(
  db: Db,
  input: { role: ApiRole; agency?: string | undefined; name: string },
  actor = "cli",
): Promise<{ id: string; key: string; role: ApiRole; agencyId: string | null; name: string }> {
  const key = "gpy_" + randomBytes(24).toString("base64url");
  return db.transaction(async (tx) => {
    const agency = input.agency ? await findOrCreateAgency(tx, input.agency) : null;
    if (input.role !== "admin" && !agency) throw new Error("a drafter or viewer key needs --agency");
    const [row] = await tx
      .insert(apiKeys)
      .values({ name: input.name, role: input.role, agencyId: agency?.id ?? null, prefix: key.slice(0, 10), hash: hashKey(key) })
      .returning();
    if (!row) throw new Error("insert failed");
    await recordAudit(tx, { actor, action: "api_key.create", entityType: "api_key", entityId: row.id, details: { role: row.role, name: row.name, agencyId: row.agencyId } });
    return { id: row.id, key, role: row.role, agencyId: row.agencyId, name: row.name };
  });
}

export async function listApiKeys(db: Db) {
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      role: apiKeys.role,
      agency: agencies.name,
      prefix: apiKeys.prefix,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .leftJoin(agencies, eq(agencies.id, apiKeys.agencyId))
    .orderBy(desc(apiKeys.createdAt));
}

/** Revoke by id or by the printed prefix. Returns how many keys were revoked. */
export async function revokeApiKey(db: Db, idOrPrefix: string, actor = "cli"): Promise<number> {
  const isUuid = /^[0-9a-f-]{36}$/i.test(idOrPrefix);
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(isUuid ? eq(apiKeys.id, idOrPrefix) : eq(apiKeys.prefix, idOrPrefix), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  for (const r of rows) await recordAudit(db, { actor, action: "api_key.revoke", entityType: "api_key", entityId: r.id });
  return rows.length;
}

export async function countApiKeys(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(apiKeys);
  return row?.n ?? 0;
}

/** Look a presented key up by its hash; constant-time compare of the hash guards against timing. */
export async function authenticateKey(db: Db, key: string): Promise<Principal | null> {
  if (!key.startsWith("gpy_") || key.length > 100) return null;
  const hash = hashKey(key);
  const [row] = await db.select().from(apiKeys).where(and(eq(apiKeys.hash, hash), isNull(apiKeys.revokedAt))).limit(1);
  if (!row || !timingSafeEqual(Buffer.from(row.hash), Buffer.from(hash))) return null;
  void db.update(apiKeys).set({ lastUsedAt: sql`now()` }).where(eq(apiKeys.id, row.id)).catch(() => undefined);
  return { keyId: row.id, name: row.name, role: row.role, agencyId: row.agencyId };
}
