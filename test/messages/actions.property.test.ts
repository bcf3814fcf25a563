import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { decodeAction, encodeAction, type Action } from "../../src/messages/actions.js";

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ type: fc.constantFrom("answer" as const, "more" as const, "read" as const), draftId: fc.uuid() }),
  fc.constant({ type: "unsub" as const }),
  fc.record({ type: fc.constant("choice" as const), questionId: fc.uuid(), index: fc.integer({ min: 0, max: 5 }) }),
);

describe("button actions (property)", () => {
  it("decode(encode(a)) gives a back, and every encoded action fits Telegram's 64-byte callback_data", () => {
    fc.assert(
      fc.property(action, (a) => {
        const s = encodeAction(a);
        expect(Buffer.byteLength(s)).toBeLessThanOrEqual(64);
        expect(decodeAction(s)).toEqual(a);
      }),
    );
  });

  it("arbitrary text never throws and never decodes to a draft action unless it is one", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (s) => {
        const a = decodeAction(s);
        if (a && a.type !== "raw" && a.type !== "unsub") expect(encodeAction(a)).toBe(s.toLowerCase());
      }),
      { numRuns: 500 },
    );
  });
});
