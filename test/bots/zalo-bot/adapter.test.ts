import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createZaloBotAdapter } from "../../../bots/zalo-bot/adapter.js";
import { createZaloBotClient } from "../../../bots/zalo-bot/client.js";
import { parseBotUpdate } from "../../../bots/zalo-bot/parse.js";
import type { ChannelAdapter, InboundEvent } from "../../../src/channels/adapter.js";
import { SendError } from "../../../src/channels/errors.js";
import { quietLogger } from "../../support/database.js";
import { startFakeZaloBot, type FakeZaloBot } from "../../fakes/zalo-bot-api.js";
import { recordingPacing } from "../../support/delivery.js";

describe("Zalo Bot adapter", () => {
  let fake: FakeZaloBot;
  const make = (over: { token?: string; mode?: "webhook" | "polling" } = {}): ChannelAdapter =>
    createZaloBotAdapter({
      client: createZaloBotClient({ apiBase: fake.url, token: over.token ?? fake.token }),
      logger: quietLogger(),
      mode: over.mode ?? "webhook",
      webhookSecret: "s3cret-token",
      pollTimeoutS: 1,
      pollErrorBackoffMs: 20,
    });
  const sendErr = async (p: Promise<unknown>) => {
    const e = await p.then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(SendError);
    return e as SendError;
  };
  beforeEach(async () => {
    fake = await startFakeZaloBot();
  });
  afterEach(async () => {
    await fake.close();
  });

  it("sends text with buttons as numbered choices, split at 2,000 characters", async () => {
    const a = make();
    const r = await a.send({ subscriberId: "s", externalId: "chat-1" }, {
      text: "Ý kiến ".repeat(400).trim(),
      buttons: [[{ label: "Đồng ý", action: "choice:q:0" }, { label: "Không đồng ý", action: "choice:q:1" }], [{ label: "Toàn văn", action: "", url: "https://example.gov.vn/d" }]],
    });
    const texts = fake.textsTo("chat-1");
    expect(texts.length).toBe(2);
    for (const t of texts) expect(Array.from(t).length).toBeLessThanOrEqual(2000);
    expect(texts[1]).toMatch(/1\. Đồng ý\n2\. Không đồng ý\nToàn văn: https:\/\/example\.gov\.vn\/d$/);
    expect(r.externalId).toBe(fake.sent[1]!.messageId);
    expect(a.supportsButtons).toBe(false);
  });

  it("tells the send's pacing when each call is written and answered, a slot asked before each further part", async () => {
    const a = make();
    const pacing = recordingPacing();
    await a.send({ subscriberId: "s", externalId: "chat-2" }, { text: "Ý kiến ".repeat(400).trim() }, { kind: "reply", pacing });
    expect(fake.textsTo("chat-2")).toHaveLength(2);
    expect(pacing.log).toEqual(["written", "answered", "another", "written", "answered"]);
    // a refusal is an answer too; a dead API is not
    fake.throttleNext(1);
    const refused = recordingPacing();
    await sendErr(a.send({ subscriberId: "s", externalId: "chat-2" }, { text: "x" }, { kind: "reply", pacing: refused }));
    expect(refused.log).toEqual(["written", "answered"]);
    const dead = createZaloBotAdapter({ client: createZaloBotClient({ apiBase: "http://127.0.0.1:1", token: "9:x" }), logger: quietLogger(), mode: "webhook", webhookSecret: "s3cret-token" });
    const lost = recordingPacing();
    await sendErr(dead.send({ subscriberId: "s", externalId: "c" }, { text: "x" }, { kind: "reply", pacing: lost }));
    expect(lost.log).toEqual(["written"]);
  });

  it("maps the error envelope to the closed set", async () => {
    fake.throttleNext(1);
    expect((await sendErr(make().send({ subscriberId: "s", externalId: "c" }, { text: "x" }))).kind).toBe("throttled");
    fake.block("gone");
    const gone = await sendErr(make().send({ subscriberId: "s", externalId: "gone" }, { text: "x" }));
    expect(gone).toMatchObject({ kind: "recipient_gone", code: 403 });
    expect(gone.detail).toContain("blocked");
    const badToken = await sendErr(make({ token: "1:wrong" }).send({ subscriberId: "s", externalId: "c" }, { text: "x" }));
    expect(badToken.kind).toBe("config");
    expect(badToken.detail).not.toContain("1:wrong");
    expect((await sendErr(make().send({ subscriberId: "s", externalId: "" }, { text: "x" }))).kind).toBe("permanent");
    const dead = createZaloBotAdapter({ client: createZaloBotClient({ apiBase: "http://127.0.0.1:1", token: "9:x" }), logger: quietLogger(), mode: "webhook", webhookSecret: "s3cret-token" });
    expect((await sendErr(dead.send({ subscriberId: "s", externalId: "c" }, { text: "x" }))).kind).toBe("transient");
  });

  it("checks the secret header in webhook mode", () => {
    const a = make();
    expect(a.webhook).toEqual({ path: "zalo-bot", ackFirst: false });
    const req = (h: Record<string, string>) => ({ headers: h, rawBody: Buffer.from("{}") });
    expect(a.verifyWebhook!(req({ "x-bot-api-secret-token": "s3cret-token" }))).toBe(true);
    expect(a.verifyWebhook!(req({ "x-bot-api-secret-token": "s3cret-tokem" }))).toBe(false);
    expect(a.verifyWebhook!(req({ "x-bot-api-secret-token": "s3cret" }))).toBe(false);
    expect(a.verifyWebhook!(req({}))).toBe(false);
  });

  it("parses wrapped and bare bodies alike, keyed by event name and message id", () => {
    const bare = fake.textUpdate("chat-9", "mai pha", "mid-1");
    const a = parseBotUpdate(bare).events;
    const b = parseBotUpdate({ ok: true, result: bare }).events;
    expect(a).toEqual(b);
    expect(a).toMatchObject([{ channel: "zalo-bot", type: "text", text: "mai pha", externalId: "chat-9", updateKey: "message.text.received:mid-1", displayName: "Chị Mai" }]);
    expect(parseBotUpdate(fake.textUpdate("c", "/start c_05977")).events).toMatchObject([{ type: "start", payload: "c_05977" }]);
    expect(parseBotUpdate({ event_name: "message.sticker.received", message: { message_id: "1", chat: { id: "c" }, from: { id: "c" } } })).toMatchObject({ events: [], ignored: { reason: "unsupported" } });
    for (const junk of [null, "x", 1, [], {}, { ok: true, result: null }, { event_name: "message.text.received" }]) expect(parseBotUpdate(junk).events).toEqual([]);
  });

  it("polls getUpdates one update at a time, rides over empty polls (408), and stops promptly", async () => {
    const a = make({ mode: "polling" });
    expect(a.webhook).toBeUndefined();
    const got: InboundEvent[] = [];
    await a.startIntake!((events) => {
      got.push(...events);
      return Promise.resolve();
    });
    fake.queueUpdate(fake.textUpdate("chat-1", "một", "u1"));
    fake.queueUpdate({ ok: true, result: fake.textUpdate("chat-1", "hai", "u2") });
    const until = Date.now() + 3000;
    while (got.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(got.map((e) => (e.type === "text" ? e.text : e.type))).toEqual(["một", "hai"]);
    await new Promise((r) => setTimeout(r, 700)); // at least one empty poll answered 408
    fake.pollWaitMs = 60_000; // a poll now hangs: stopping must not wait for it
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await a.stopIntake!();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(fake.methods[0]).toBe("deleteWebhook");
    expect(fake.methods.filter((m) => m === "getUpdates").length).toBeGreaterThanOrEqual(3);
  });
});
