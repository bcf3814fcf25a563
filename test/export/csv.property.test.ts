import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { toCsv, UTF8_BOM } from "../../src/export/csv.js";
import { parseCsv } from "../support/csv.js";


describe("CSV export (property)", () => {
  it("any text, with commas, quotes and line breaks, reads back as written (formulas neutralised)", () => {
    const cell = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom("a,b", 'say "hi"', "line1\r\nline2", "=1+1", "-5%", "Đồng ý"));
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { maxLength: 20 }), (rows) => {
        const doc = toCsv(["a", "b", "c"], rows);
        expect(doc.startsWith(UTF8_BOM)).toBe(true);
        const back = parseCsv(doc.slice(1));
        expect(back[0]).toEqual(["a", "b", "c"]);
        const expected = rows.map((r) => r.map((v) => (/^[=+\-@\t\r]/.test(v) ? "'" + v : v)));
        expect(back.slice(1)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
