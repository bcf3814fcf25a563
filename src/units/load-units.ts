import { readFile } from "node:fs/promises";
import { z } from "zod";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { adminUnits, formerUnits } from "../db/schema/index.js";
import { unitNameKey } from "../text/fold.js";

/** The shape of assets/units/*.json (see assets/units/README.md for provenance). */
export const unitsFileSchema = z.array(
  z.object({
    code: z.string().regex(/^\d{5}$/),
    name: z.string().min(1),
    type: z.string().min(1),
    province_code: z.string().min(1),
    former_districts: z.array(z.object({ code: z.string(), name: z.string() })).default([]),
    former_units: z
      .array(
        z.object({
          code: z.string(),
          name: z.string().min(1),
          district_code: z.string().optional(),
          merge: z.enum(["whole", "partial"]),
        }),
      )
      .default([]),
  }),
);
export type UnitsFile = z.infer<typeof unitsFileSchema>;

export async function readUnitsFile(file: string): Promise<UnitsFile> {
  const raw: unknown = JSON.parse(await readFile(file, "utf8"));
  const parsed = unitsFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`UNITS_FILE ${file} is not a valid units file: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  }
  return parsed.data;
}

/**
 * Load (or refresh) the units and their former units. Idempotent: running it again changes nothing;
 * a changed file updates names and replaces the former-unit list of each unit.
 */
export async function loadUnits(db: Db, units: UnitsFile): Promise<{ units: number; formerUnits: number }> {
  let formerCount = 0;
  await db.transaction(async (tx) => {
    for (const u of units) {
      await tx
        .insert(adminUnits)
        .values({ code: u.code, provinceCode: u.province_code, name: u.name, type: u.type, nameKey: unitNameKey(u.name) })
        .onConflictDoUpdate({
          target: adminUnits.code,
          set: { provinceCode: u.province_code, name: u.name, type: u.type, nameKey: unitNameKey(u.name), updatedAt: sql`now()` },
        });
      const districts = new Map(u.former_districts.map((d) => [d.code, d.name]));
      await tx.delete(formerUnits).where(sql`${formerUnits.unitCode} = ${u.code}`);
      if (u.former_units.length) {
        await tx.insert(formerUnits).values(
          u.former_units.map((f) => ({
            unitCode: u.code,
            code: f.code,
            name: f.name,
            nameKey: unitNameKey(f.name),
            districtCode: f.district_code ?? null,
            districtName: f.district_code ? (districts.get(f.district_code) ?? null) : null,
            merge: f.merge,
          })),
        );
      }
      formerCount += u.former_units.length;
    }
  });
  return { units: units.length, formerUnits: formerCount };
}
