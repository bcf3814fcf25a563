import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { searchUnits } from "../../src/units/search.js";
import { loadUnits, readUnitsFile } from "../../src/units/load-units.js";
import { databaseKinds } from "../support/database.js";
import { queryRows } from "../../src/db/client.js";
import { useTestDatabase } from "../support/lifecycle.js";

describe.each(databaseKinds)("units on %s", (kind) => {
  const database = useTestDatabase(kind);

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

  it("loads another province's file of the same shape, old names included, and refuses a malformed one", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "gopy-units-"));
    const file = path.join(dir, "other.json");
    await writeFile(
      file,
      JSON.stringify([
        {
          code: "99001",
          name: "Phường Hồ Gươm",
          type: "Phường",
          province_code: "99",
          former_districts: [{ code: "990", name: "Quận Thử" }],
          former_units: [
            { code: "99002", name: "Phường Tràng Tiền", district_code: "990", merge: "whole" },
            { code: "99003", name: "Phường Hàng Trống", district_code: "990", merge: "partial" },
          ],
        },
      ]),
    );
    expect(await loadUnits(database.db, await readUnitsFile(file))).toEqual({ units: 1, formerUnits: 2 });
    const [m] = await searchUnits(database.db, "trang tien");
    expect(m).toMatchObject({ code: "99001", name: "Phường Hồ Gươm", matchedFormer: { name: "Phường Tràng Tiền", districtName: "Quận Thử" } });

    await writeFile(file, JSON.stringify([{ code: "1", name: "" }]));
    await expect(readUnitsFile(file)).rejects.toThrow(/not a valid units file/);
  });
});
