import { asc, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client.js";
import { adminUnits, formerUnits } from "../db/schema/index.js";
import { fold, unitNameKey } from "../text/fold.js";

export interface UnitMatch {
  code: string;
  name: string;
  type: string;
  /** Set when the query matched a pre-2025 unit now part of this one. */
  matchedFormer?: { code: string; name: string; districtName: string | null; merge: string };
  /** exact: the whole name; prefix/contains: part of it. */
  quality: "exact" | "prefix" | "contains";
}

const QUALITY_RANK = { exact: 0, prefix: 1, contains: 2 } as const;

function quality(key: string, q: string): UnitMatch["quality"] | null {
  if (key === q) return "exact";
  if (key.startsWith(q)) return "prefix";
  if (key.includes(q)) return "contains";
  return null;
}

/**
 * Find current units by a typed name: new or pre-2025, with or without diacritics, with or without
 * the type word ("xã", "phường"). A current unit ranks before a former unit of equal quality.
 */
export async function searchUnits(db: DbOrTx, query: string, limit = 10): Promise<UnitMatch[]> {
  const q = unitNameKey(query);
  if (q.length < 2) return [];
  const like = `%${q.replace(/[%_\\]/g, (c) => "\\" + c)}%`;
  const current = await db
    .select()
    .from(adminUnits)
    .where(sql`${adminUnits.nameKey} like ${like}`)
    .orderBy(asc(adminUnits.name))
    .limit(50);
  const former = await db
    .select({ f: formerUnits, u: adminUnits })
    .from(formerUnits)
    .innerJoin(adminUnits, eq(adminUnits.code, formerUnits.unitCode))
    .where(sql`${formerUnits.nameKey} like ${like}`)
    .limit(50);

  const byCode = new Map<string, UnitMatch & { rank: number }>();
  for (const u of current) {
    const qual = quality(u.nameKey, q);
    if (!qual) continue;
    byCode.set(u.code, { code: u.code, name: u.name, type: u.type, quality: qual, rank: QUALITY_RANK[qual] * 2 });
  }
  for (const { f, u } of former) {
    const qual = quality(f.nameKey, q);
    if (!qual) continue;
    const rank = QUALITY_RANK[qual] * 2 + 1;
    const existing = byCode.get(u.code);
    if (existing && existing.rank <= rank) continue;
    byCode.set(u.code, {
      code: u.code,
      name: u.name,
      type: u.type,
      quality: qual,
      rank,
      matchedFormer: { code: f.code, name: f.name, districtName: f.districtName, merge: f.merge },
    });
  }
  return [...byCode.values()]
    .sort((a, b) => a.rank - b.rank || fold(a.name).localeCompare(fold(b.name)))
    .slice(0, limit)
    .map(({ rank: _rank, ...m }) => m);
}

export async function getUnits(db: DbOrTx, codes: string[]) {
  if (!codes.length) return [];
  return db.select().from(adminUnits).where(inArray(adminUnits.code, codes));
}
