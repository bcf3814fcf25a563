import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { matchChoice } from "../../handlers/text-match.js";
import { fold } from "../../src/text/fold.js";

/** Vietnamese-looking labels: words built from syllables with diacritics. */
const syllable = fc.constantFrom("Đồng", "ý", "Không", "đồng", "Ý", "kiến", "khác", "Rất", "tốt", "Cần", "sửa", "đổi", "Hỗ", "trợ", "thêm", "Bỏ", "mức", "phí");
const label = fc.array(syllable, { minLength: 1, maxLength: 4 }).map((w) => w.join(" "));
const choiceLists = fc
  .uniqueArray(label, { minLength: 2, maxLength: 6, selector: (l) => fold(l) })
  .filter((ls) => ls.every((l) => !/^[a-z]$/.test(fold(l))));

describe("matchChoice (property)", () => {
  it("the number of a choice selects it", () => {
    fc.assert(
      fc.property(choiceLists, fc.nat(), (choices, k) => {
        const i = k % choices.length;
        expect(matchChoice(String(i + 1), choices)).toBe(i);
      }),
    );
  });

  it("a label typed without diacritics, in any case, selects that choice", () => {
    fc.assert(
      fc.property(choiceLists, fc.nat(), fc.boolean(), (choices, k, upper) => {
        const i = k % choices.length;
        const typed = fold(choices[i]!);
        expect(matchChoice(upper ? typed.toUpperCase() : typed, choices)).toBe(i);
      }),
    );
  });

  it("a number past the last choice selects nothing", () => {
    fc.assert(
      fc.property(choiceLists, fc.integer({ min: 7, max: 99 }), (choices, n) => {
        expect(matchChoice(String(n), choices)).toBeNull();
      }),
    );
  });
});
