import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { splitText } from "../../src/channels/split-text.js";

const noSpace = (s: string) => s.replace(/\s+/g, "");

describe("splitText (property)", () => {
  it("every part fits the limit and no visible character is lost or reordered", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ unit: "grapheme", maxLength: 30 }), fc.constantFrom(" ", "\n", "\n\n", "Điều 5: góp ý")), { maxLength: 200 }).map((a) => a.join("")),
        fc.integer({ min: 10, max: 300 }),
        (text, max) => {
          const parts = splitText(text, max);
          for (const p of parts) expect(Array.from(p).length).toBeLessThanOrEqual(max);
          expect(noSpace(parts.join(""))).toBe(noSpace(text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a text within the limit is one part, unchanged", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (text) => {
        expect(splitText(text, 2000)).toEqual([text]);
      }),
    );
  });
});
