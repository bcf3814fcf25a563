import { describe, expect, it } from "vitest";
import { parseOaWebhook, encodeOaPayload } from "../../../bots/zalo-oa/parse.js";
import { encodeAction } from "../../../src/messages/actions.js";
import { parseJsonKeepingBigInts } from "../../../src/channels/json.js";
import { splitText } from "../../../src/channels/split-text.js";

const base = { app_id: "1", recipient: { id: "4318205566987654321" }, timestamp: "1764000000000" };

describe("Zalo OA webhook parsing", () => {
  it("turns user_send_text into a text event keyed by msg_id, with the user id kept as a string", () => {
    const { events } = parseOaWebhook({ ...base, event_name: "user_send_text", sender: { id: "7012345678901234567" }, message: { text: "mai pha", msg_id: "m1" } });
    expect(events).toEqual([{ channel: "zalo-oa", type: "text", text: "mai pha", externalId: "7012345678901234567", updateKey: "m1", at: new Date(1764000000000) }]);
  });

  it("turns a button payload that comes back as text into an action, but not a plain typed word", () => {
    const draft = "0b7f3c1e-8f55-4a4e-9c38-52f0d1e0a2b1";
    const payload = encodeOaPayload(encodeAction({ type: "answer", draftId: draft }));
    const ev = (text: string) => parseOaWebhook({ ...base, event_name: "user_send_text", sender: { id: "7" }, message: { text, msg_id: text } }).events[0];
    expect(ev(payload)).toMatchObject({ type: "action", action: `answer:${draft}` });
    expect(ev(encodeOaPayload("confirm:05977"))).toMatchObject({ type: "action", action: "confirm:05977" });
    expect(ev(`choice:${draft}:1`)).toMatchObject({ type: "action", action: `choice:${draft}:1` });
    expect(ev("stop")).toMatchObject({ type: "text", text: "stop" });
    expect(ev("huy")).toMatchObject({ type: "text", text: "huy" });
    expect(ev(encodeOaPayload("not an action!"))).toMatchObject({ type: "text" });
  });

  it("turns follow and unfollow into events for the follower", () => {
    const follow = parseOaWebhook({ oa_id: "4318205566987654321", follower: { id: "7012345678901234567" }, event_name: "follow", source: "oa_profile", app_id: "1", timestamp: "1764000000000" });
    expect(follow.events).toMatchObject([{ type: "follow", externalId: "7012345678901234567", updateKey: "follow:7012345678901234567:1764000000000" }]);
    const unfollow = parseOaWebhook({ oa_id: "4318205566987654321", follower: { id: "7012345678901234567" }, event_name: "unfollow", app_id: "1", timestamp: "1764000000009" });
    expect(unfollow.events).toMatchObject([{ type: "unfollow", externalId: "7012345678901234567" }]);
  });

  it("ignores echoes of our own sends and of admin replies, other OAs, unknown events and garbage", () => {
    expect(parseOaWebhook({ ...base, event_name: "oa_send_text", sender: { id: "4318205566987654321" }, message: { text: "hi", msg_id: "x" } })).toMatchObject({ events: [], ignored: { reason: "echo" } });
    expect(parseOaWebhook({ ...base, event_name: "user_send_text", sender: { id: "7", admin_id: "99" }, message: { text: "x", msg_id: "y" } }).events).toEqual([]);
    expect(parseOaWebhook({ ...base, recipient: { id: "999" }, event_name: "user_send_text", sender: { id: "7" }, message: { text: "x", msg_id: "z" } }, "4318205566987654321")).toMatchObject({ events: [], ignored: { reason: "other_oa" } });
    expect(parseOaWebhook({ ...base, event_name: "user_click_rocket", sender: { id: "7" } })).toMatchObject({ events: [], ignored: { reason: "unsupported", eventName: "user_click_rocket" } });
    for (const junk of [null, 42, "text", [], {}, { event_name: 5 }, { event_name: "user_send_text" }]) {
      expect(parseOaWebhook(junk).events).toEqual([]);
    }
  });
});

describe("channel helpers", () => {
  it("parses JSON keeping integers beyond 2^53 exact, and leaves other numbers alone", () => {
    const v = parseJsonKeepingBigInts('{"id":7012345678901234567,"neg":-9007199254740993,"s":"12345678901234567890","n":42,"f":1.12345678901234567,"e":1e21,"a":[1,2]}') as Record<string, unknown>;
    expect(v).toEqual({ id: "7012345678901234567", neg: "-9007199254740993", s: "12345678901234567890", n: 42, f: Number("1.12345678901234567"), e: 1e21, a: [1, 2] });
  });

  it("splits long text into parts of at most the limit, on line or word boundaries, losing no word", () => {
    const text = Array.from({ length: 700 }, (_, i) => `từ${i}`).join(" ") + "\n\n" + "x".repeat(2500);
    const parts = splitText(text, 2000);
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) expect(Array.from(p).length).toBeLessThanOrEqual(2000);
    expect(parts.join("").replace(/\s+/g, "") === text.replace(/\s+/g, "")).toBe(true);
    expect(parts[0]!.endsWith("từ")).toBe(false); // cut between words, not inside one
    expect(splitText("ngắn", 2000)).toEqual(["ngắn"]);
  });
});
