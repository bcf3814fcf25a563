import { asc } from "drizzle-orm";
import type { DbOrTx } from "../db/client.js";
import { adminUnits, formerUnits } from "../db/schema/index.js";
import { searchUnits, type UnitMatch } from "../units/search.js";

export interface CommuneListItem {
  code: string;
  name: string;
  type: string;
  /** The pre-2025 units merged into this one (names residents may still use). */
  formerUnits: { code: string; name: string; districtName: string | null; merge: string }[];
}

/** Every current unit, by name, with the former units merged into it. */
export async function listCommunes(db: DbOrTx): Promise<CommuneListItem[]> {
  const units = await db.select().from(adminUnits);
  units.sort((a, b) => a.name.localeCompare(b.name, "vi"));
  const formers = await db.select().from(formerUnits).orderBy(asc(formerUnits.name));
  const byUnit = new Map<string, CommuneListItem["formerUnits"]>();
  for (const f of formers) {
    const list = byUnit.get(f.unitCode) ?? [];
    list.push({ code: f.code, name: f.name, districtName: f.districtName, merge: f.merge });
    byUnit.set(f.unitCode, list);
  }
  return units.map((u) => ({ code: u.code, name: u.name, type: u.type, formerUnits: byUnit.get(u.code) ?? [] }));
}

/** Search current units by a new or pre-2025 name, with or without diacritics. */
export function searchCommunes(db: DbOrTx, q: string, limit: number): Promise<UnitMatch[]> {
  return searchUnits(db, q, limit);
}
