import { describe, expect, it } from "vitest";
import type { ChannelAdapter } from "../../src/channels/adapter.js";
import { PRIORITY_BULK, PRIORITY_REPLY } from "../../src/db/schema/index.js";
import type { ClaimedRow } from "../../src/delivery/claim.js";
import { addToBuffer, beginSend, claimRoom, createLane, endSend, takeNext } from "../../src/delivery/lanes.js";
import { createMetrics } from "../../src/metrics.js";

const adapter: ChannelAdapter = { name: "telegram", supportsButtons: true, parseInbound: () => [], send: () => Promise.resolve({ externalId: "1" }) };

let nextId = 1;
function row(person: string, priority = PRIORITY_BULK): ClaimedRow {
  return { id: nextId++, subscriber_id: person, external_id: person, status: "active", kind: "x", message: { text: `${person}-${nextId}` }, attempts: 1, priority, error_detail: null };
}

describe("lanes: send order per channel", () => {
  it("sizes a lane from the channel's rate", () => {
    expect(createLane(adapter, { rate: 30 }, createMetrics())).toMatchObject({ concurrency: 8, claimSize: 10 });
    expect(createLane(adapter, { rate: 1000 }, createMetrics())).toMatchObject({ concurrency: 250, claimSize: 100 });
    expect(createLane(adapter, { rate: 0 }, createMetrics())).toMatchObject({ concurrency: 64, claimSize: 1000 });
    expect(createLane(adapter, { rate: 30, concurrency: 3, batchSize: 7 }, createMetrics())).toMatchObject({ concurrency: 3, claimSize: 7 });
  });

  it("replies go ahead of buffered bulk, after replies already waiting", () => {
    const lane = createLane(adapter, { batchSize: 10 }, createMetrics());
    const [b1, b2, r1] = [row("a"), row("b"), row("c", PRIORITY_REPLY)];
    addToBuffer(lane, [b1, b2, r1]);
    const r2 = row("d", PRIORITY_REPLY);
    addToBuffer(lane, [row("e"), r2]);
    expect(lane.buffer.map((r) => r.subscriber_id)).toEqual(["c", "d", "a", "b", "e"]);
  });

  it("one message at a time per person: the next row of a busy person waits, others pass it", () => {
    const lane = createLane(adapter, { batchSize: 10 }, createMetrics());
    const first = row("a");
    addToBuffer(lane, [first, row("a"), row("b")]);
    const taken = takeNext(lane)!;
    expect(taken).toBe(first);
    beginSend(lane, taken);
    expect(takeNext(lane)?.subscriber_id).toBe("b");
    expect(takeNext(lane)).toBeUndefined();
    endSend(lane, taken);
    expect(takeNext(lane)?.subscriber_id).toBe("a");
    expect(lane.inFlight).toBe(0);
  });

  it("a claim fills the buffer up to two claims; replies-only claims are small", () => {
    const lane = createLane(adapter, { batchSize: 10 }, createMetrics());
    expect(claimRoom(lane, false)).toBe(10);
    addToBuffer(lane, Array.from({ length: 15 }, (_, i) => row(`p${i}`)));
    expect(claimRoom(lane, false)).toBe(5);
    expect(claimRoom(lane, true)).toBe(20);
  });
});
