import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { fold, unitNameKey } from "../../src/text/fold.js";

const units = JSON.parse(readFileSync("assets/units/langson-units.json", "utf8")) as { name: string; former_units: { name: string }[] }[];
const names = units.flatMap((u) => [u.name, ...u.former_units.map((f) => f.name)]);

/** Write a name as a resident might: decomposed (NFD) or composed, random case, extra spaces. */
const typedVariant = (name: string) =>
  fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()).map(([nfd, upper, spaces]) => {
    let s = nfd ? name.normalize("NFD") : name.normalize("NFC");
    if (upper) s = s.toUpperCase();
    if (spaces) s = `  ${s.replace(/ /g, "   ")} `;
    return s;
  });

describe("fold (property)", () => {
  it("every way of typing a unit name folds to the same key", () => {
    fc.assert(
      fc.property(fc.constantFrom(...names).chain((n) => fc.tuple(fc.constant(n), typedVariant(n))), ([name, typed]) => {
        expect(unitNameKey(typed)).toBe(unitNameKey(name));
      }),
      { numRuns: 400 },
    );
  });

  it("folded text is plain lower-case ASCII letters, digits and single spaces for Vietnamese input", () => {
    fc.assert(
      fc.property(fc.constantFrom(...names), (name) => {
        expect(fold(name)).toMatch(/^[a-z0-9]+( [a-z0-9]+)*$/);
      }),
    );
  });
});
