import { index, pgTable, serial, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

/**
 * Commune-level administrative units in force (xã = rural commune, phường = urban ward).
 * Since 1 July 2025 Vietnam has no districts: a province is made of these units directly.
 */
export const adminUnits = pgTable("admin_units", {
  code: text("code").primaryKey(),
  provinceCode: text("province_code").notNull(),
  name: text("name").notNull(),
  type: text("type").notNull(),
  /** Lower-case name without diacritics or the type word, for matching typed names. */
  nameKey: text("name_key").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index("admin_units_name_key_idx").on(t.nameKey)]);

/**
 * Pre-2025 units merged into a current one. An old code can equal a new code with another meaning,
 * so former units are keyed by (current unit, old code), never joined to current units on code alone.
 */
export const formerUnits = pgTable("former_units", {
  id: serial("id").primaryKey(),
  unitCode: text("unit_code").notNull().references(() => adminUnits.code, { onDelete: "cascade" }),
  code: text("code").notNull(),
  name: text("name").notNull(),
  nameKey: text("name_key").notNull(),
  districtCode: text("district_code"),
  districtName: text("district_name"),
  merge: text("merge").notNull(),
}, (t) => [
  uniqueIndex("former_units_unit_code_uq").on(t.unitCode, t.code),
  index("former_units_name_key_idx").on(t.nameKey),
]);
