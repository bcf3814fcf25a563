import { describe, expect, it } from "vitest";
import type { InboundEvent } from "../../../src/channels/adapter.js";
import { createTurnMemory, type RememberedTurn } from "../../../src/domain/residents/turn-memory.js";
import type { SubscriberRow } from "../../../src/domain/residents/subscribers.js";

const press = (externalId: string, channel: "sim" | "telegram" = "sim"): InboundEvent => ({ type: "action", channel, externalId, updateKey: `k-${externalId}`, at: new Date(), action: "x" });
const choice = { questionId: "q1", draftId: "d1", version: "v1" };
const turn = (id: string): RememberedTurn => ({
  admitted: { row: { display_name: "Nguyễn Văn A" }, subscriber: { id, displayName: "Nguyễn Văn A" } as SubscriberRow, state: { step: "idle" }, stateVersion: "7" },
  choice: { ...choice, current: 0, unit: "05977", targeted: true },
});

describe("turn memory", () => {
  it("recalls a person's last press only on the same question, draft and draft version, and on the same channel", () => {
    const memory = createTurnMemory();
    memory.remember(press("a"), turn("s-a"));
    expect(memory.recall(press("a"), choice)?.admitted.subscriber.id).toBe("s-a");
    expect(memory.recall(press("a"), { ...choice, questionId: "q2" })).toBeUndefined();
    expect(memory.recall(press("a"), { ...choice, version: "v2" })).toBeUndefined();
    expect(memory.recall(press("a", "telegram"), choice)).toBeUndefined();
    memory.forget(press("a"));
    expect(memory.recall(press("a"), choice)).toBeUndefined();
  });

  it("keeps no name and no raw row", () => {
    const memory = createTurnMemory();
    memory.remember(press("a"), turn("s-a"));
    const got = memory.recall(press("a"), choice)!;
    expect(got.admitted.subscriber.displayName).toBeNull();
    expect(JSON.stringify(got)).not.toContain("Nguyễn");
  });

  it("forgets what is older than its age limit, and the least recently used past its size", () => {
    let now = 0;
    const memory = createTurnMemory({ max: 2, ttlMs: 1_000, now: () => now });
    memory.remember(press("a"), turn("s-a"));
    memory.remember(press("b"), turn("s-b"));
    memory.remember(press("a"), turn("s-a")); // used again: b is now the oldest
    memory.remember(press("c"), turn("s-c"));
    expect(memory.recall(press("b"), choice)).toBeUndefined();
    expect(memory.recall(press("a"), choice)).toBeDefined();
    expect(memory.recall(press("c"), choice)).toBeDefined();
    now = 1_001;
    expect(memory.recall(press("a"), choice)).toBeUndefined();
  });
});
