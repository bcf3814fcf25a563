import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { oneLine, shorten, truncate } from "../../src/text/truncate.js";

describe("truncation: one rule for summaries, digest samples and summary parts", () => {
  it.each([
    { name: "short text is left as it is", text: "Phí rác thải", max: 20, atWord: false, out: "Phí rác thải" },
    { name: "exactly max is left as it is", text: "abcde", max: 5, atWord: false, out: "abcde" },
    { name: "a hard cut keeps max characters, the last an ellipsis", text: "abcdefghij", max: 5, atWord: false, out: "abcd…" },
    { name: "at a word when a space lies in the last 40 %", text: "Quy định mức phí thu gom rác", max: 16, atWord: true, out: "Quy định mức…" },
    { name: "mid-word when the only space is too early", text: "Ab cdefghijklmnop", max: 10, atWord: true, out: "Ab cdefgh…" },
    { name: "an emoji is never split", text: "📢📢📢📢📢", max: 3, atWord: false, out: "📢📢…" },
  ])("$name", ({ text, max, atWord, out }) => {
    expect(truncate(text, max, { atWord })).toBe(out);
  });

  it("shorten trims and keeps paragraphs", () => {
    expect(shorten("  Điều 1.   \nĐiều 2.  ", 100)).toBe("Điều 1.\nĐiều 2.");
  });

  it("oneLine puts a comment on one line before cutting", () => {
    expect(oneLine("Đồng ý\nvới   dự thảo", 100)).toBe("Đồng ý với dự thảo");
    expect(oneLine("Mức phí 20.000 đồng là hơi cao so với thu nhập", 20)).toBe("Mức phí 20.000…");
  });

  it("never returns more than max characters, and a cut text ends with the ellipsis", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 80 }), fc.integer({ min: 1, max: 60 }), fc.boolean(), (text, max, atWord) => {
        const out = truncate(text, max, { atWord });
        if (Array.from(text).length <= max) {
          expect(out).toBe(text);
        } else {
          expect(Array.from(out).length).toBeLessThanOrEqual(max);
          expect(out.endsWith("…")).toBe(true);
          expect(text.startsWith(out.slice(0, -1))).toBe(true);
        }
      }),
    );
  });
});
