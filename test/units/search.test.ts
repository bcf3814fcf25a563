import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { searchUnits } from "../../src/units/search.js";
import { loadUnits, readUnitsFile } from "../../src/units/load-units.js";
import { createTestDatabase, databaseKinds } from "../support/database.js";
import { queryRows, type Database } from "../../src/db/client.js";

describe.each(databaseKinds)("units on %s", (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database.close();
  });

  it("finds a current unit by an old name typed without diacritics", async () => {
    const [m] = await searchUnits(database.db, "mai pha");
    expect(m).toMatchObject({ code: "05977", name: "Phường Đông Kinh", matchedFormer: { name: "Xã Mai Pha" } });
  });

  it("finds a current unit by its new name, with or without diacritics and type word", async () => {
    for (const q of ["Đông Kinh", "dong kinh", "Phường Đông Kinh", "PHUONG DONG KINH"]) {
      const [m] = await searchUnits(database.db, q);
      expect(m?.code, q).toBe("05977");
      expect(m?.matchedFormer, q).toBeUndefined();
    }
  });

  it("finds nothing for a name that is not in the province", async () => {
    expect(await searchUnits(database.db, "Hoàn Kiếm")).toEqual([]);
  });

  it("loads the units file again without changing anything", async () => {
    const count = async () => {
      const [r] = await queryRows<{ u: number; f: number }>(
        database.db,
        sql`select (select count(*)::int from admin_units) as u, (select count(*)::int from former_units) as f`,
      );
      return r;
    };
    const before = await count();
    await loadUnits(database.db, await readUnitsFile("assets/units/langson-units.json"));
    expect(await count()).toEqual(before);
    expect(before).toEqual({ u: 65, f: 196 });
  });
});
