import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseJsonKeepingBigInts } from "../../src/channels/json.js";

/** A piece of JSON text and what parsing it must give. */
interface Piece {
  text: string;
  value: unknown;
}

const space = fc.constantFrom("", " ", "\n", "\t ", "\r\n  ");

/** A number literal: an integer of 16 digits or more must come back as its exact digits, anything else as JSON.parse reads it. */
const numberText = (text: string): Piece => ({ text, value: /^-?\d{16,}$/.test(text) ? text : JSON.parse(text) });

const leaf: fc.Arbitrary<Piece> = fc.oneof(
  fc.bigInt({ min: -(10n ** 21n), max: 10n ** 21n }).map((n) => numberText(n.toString())),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => numberText(JSON.stringify(d))),
  // Strings that look like long numbers, or like the places they could stand, are left as they are.
  fc.oneof(fc.string(), fc.stringMatching(/^[:,[ ]{0,2}-?\d{15,22}$/)).map((s) => ({ text: JSON.stringify(s), value: s })),
  fc.constantFrom(true, false, null).map((v) => ({ text: JSON.stringify(v), value: v })),
);

const { piece } = fc.letrec<{ piece: Piece }>((tie) => ({
  piece: fc.oneof(
    { depthSize: "small" },
    leaf,
    fc.array(fc.tuple(space, tie("piece"), space), { maxLength: 5 }).map((items) => ({
      text: `[${items.map(([a, p, b]) => a + p.text + b).join(",")}]`,
      value: items.map(([, p]) => p.value),
    })),
    fc.uniqueArray(fc.tuple(fc.string({ maxLength: 8 }), space, tie("piece")), { maxLength: 5, selector: ([k]) => k }).map((entries) => ({
      text: `{${entries.map(([k, s, p]) => `${JSON.stringify(k)}${s}:${s}${p.text}`).join(",")}}`,
      value: Object.fromEntries(entries.map(([k, , p]) => [k, p.value])),
    })),
  ),
}));

describe("parseJsonKeepingBigInts (property)", () => {
  it("reads every integer of 16 digits or more as its exact digits and everything else as JSON.parse does", () => {
    fc.assert(
      fc.property(space, piece, space, (before, p, after) => {
        expect(parseJsonKeepingBigInts(before + p.text + after)).toEqual(p.value);
      }),
      { numRuns: 2000 },
    );
  });
});
