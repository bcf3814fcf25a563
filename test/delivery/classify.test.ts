import { describe, expect, it } from "vitest";
import { ConfigFailure, OutsideWindow, Permanent, RecipientGone, Throttled, Transient } from "../../src/channels/errors.js";
import { classify, type SendOutcome } from "../../src/delivery/classify.js";

const details = { method: "sendMessage", code: 400, description: "Bad Request: chat not found" };
const detail = "sendMessage: [400] Bad Request: chat not found";

const table: { name: string; error: unknown; outcome: SendOutcome }[] = [
  { name: "throttled pauses the channel for retry-after", error: new Throttled(3000, details), outcome: { kind: "throttle", retryAfterMs: 3000, detail } },
  { name: "transient is retried", error: new Transient(details), outcome: { kind: "retry", detail, unexpected: false } },
  { name: "recipient gone stops messaging the person", error: new RecipientGone(details), outcome: { kind: "recipient_gone", detail } },
  { name: "outside the OA window ends outside_window", error: new OutsideWindow(details), outcome: { kind: "outside_window", detail } },
  { name: "a configuration error pauses the channel", error: new ConfigFailure(details), outcome: { kind: "pause_channel", detail } },
  { name: "permanent fails the delivery", error: new Permanent(details), outcome: { kind: "fail", errorKind: "permanent", detail } },
  { name: "an Error outside the set is retried and flagged", error: new TypeError("boom"), outcome: { kind: "retry", detail: "unexpected: boom", unexpected: true } },
  { name: "a thrown string is retried and flagged", error: "socket hang up", outcome: { kind: "retry", detail: "unexpected: socket hang up", unexpected: true } },
  { name: "an object with a message is retried with that message", error: { message: "odd" }, outcome: { kind: "retry", detail: "unexpected: odd", unexpected: true } },
];

describe("classify: a failed send → what the worker does next", () => {
  it.each(table)("$name", ({ error, outcome }) => {
    expect(classify(error)).toEqual(outcome);
  });

  it("keeps the detail to 500 characters for the delivery's error column", () => {
    const out = classify(new Error("x".repeat(2000)));
    expect(out.detail).toHaveLength(500);
  });
});
