import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { toCsv, UTF8_BOM } from "../../src/export/csv.js";

/** A strict RFC 4180 reader, independent of the writer under test. */
function parseCsv(doc: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  while (i < doc.length) {
    const c = doc[i]!;
    if (quoted) {
      if (c === '"' && doc[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && doc[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += c;
    i++;
  }
  return rows;
}

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
