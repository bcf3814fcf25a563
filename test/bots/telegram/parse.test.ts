import { afterAll, describe, expect, it } from "vitest";
import { createTelegramChannel } from "../../../bots/telegram/index.js";
import { parseTelegramUpdate } from "../../../bots/telegram/parse.js";
import type { InboundEvent } from "../../../src/channels/adapter.js";
import { quietLogger } from "../../support/database.js";
import { startFakeBotApi } from "./fake-bot-api.js";

const TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijklmn";
const from = { id: 777, is_bot: false, first_name: "Lan", last_name: "Nguyễn", language_code: "vi" };
const chat = { id: 777, type: "private", first_name: "Lan" };
const msg = (update_id: number, text: string) => ({ update_id, message: { message_id: 5, date: 1_750_000_000, from, chat, text } });

describe("Telegram updates → events", () => {
  it("text, with the person's name, locale, the update key and the message time", () => {
    expect(parseTelegramUpdate(msg(10, "mai pha"))).toEqual([
      { channel: "telegram", type: "text", text: "mai pha", externalId: "777", updateKey: "10", displayName: "Lan Nguyễn", locale: "vi", at: new Date(1_750_000_000_000) },
    ]);
  });

  it("/start with and without a deep-link payload; other commands stay text without the bot's name", () => {
    expect(parseTelegramUpdate(msg(1, "/start c_06529"))[0]).toMatchObject({ type: "start", payload: "c_06529" });
    const bare = parseTelegramUpdate(msg(2, "/start"))[0]!;
    expect(bare.type).toBe("start");
    expect("payload" in bare).toBe(false);
    expect(parseTelegramUpdate(msg(3, "/stop@gopy_bot"))[0]).toMatchObject({ type: "text", text: "/stop" });
    expect(parseTelegramUpdate(msg(4, "/start@gopy_bot c_06529"))[0]).toMatchObject({ type: "start", payload: "c_06529" });
  });

  it("a button press → action with the callback id", () => {
    const events = parseTelegramUpdate({ update_id: 11, callback_query: { id: "cb-9", from, message: { message_id: 3, chat }, data: "answer:abc" } });
    expect(events).toEqual([
      expect.objectContaining({ type: "action", action: "answer:abc", callbackId: "cb-9", externalId: "777", updateKey: "11" }),
    ]);
  });

  it("the person blocks the bot → unfollow; unblocking gives no event (they send /start)", () => {
    const member = (status: string) => ({
      update_id: 12,
      my_chat_member: { chat, from, date: 1_750_000_000, old_chat_member: { status: "member" }, new_chat_member: { status, user: { id: 1 } } },
    });
    expect(parseTelegramUpdate(member("kicked"))).toEqual([expect.objectContaining({ type: "unfollow", externalId: "777" })]);
    expect(parseTelegramUpdate(member("member"))).toEqual([]);
  });

  it("unknown or malformed shapes → [] (never throws)", () => {
    const junk: unknown[] = [
      null, 42, "x", [], {}, { update_id: "1" }, { update_id: 1 }, { update_id: 1, edited_message: { text: "x" } },
      { update_id: 1, message: { text: "hi" } }, { update_id: 1, message: { from: { id: {} }, chat, text: "x" } },
      { update_id: 1, message: { from, chat: { id: -100, type: "group" }, text: "hi" } },
      { update_id: 1, message: { from: { ...from, is_bot: true }, chat, text: "hi" } },
      { update_id: 1, message: { from, chat, sticker: {} } }, { update_id: 1, callback_query: { id: "1", from } },
      { update_id: 1, poll: {} },
    ];
    for (const j of junk) expect(parseTelegramUpdate(j)).toEqual([]);
  });
});

describe("Telegram webhook secret and polling intake", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it("accepts only the exact secret header", () => {
    const adapter = createTelegramChannel({ token: TOKEN, apiRoot: "http://127.0.0.1:9", mode: "webhook", webhookSecret: "s3cret-s3cret-s3cret", logger: quietLogger() });
    expect(adapter.webhook).toEqual({ path: "telegram", ackFirst: false });
    const v = (headers: Record<string, string | string[] | undefined>) => adapter.verifyWebhook!({ headers, rawBody: Buffer.from("{}") });
    expect(v({ "x-telegram-bot-api-secret-token": "s3cret-s3cret-s3cret" })).toBe(true);
    expect(v({})).toBe(false);
    expect(v({ "x-telegram-bot-api-secret-token": "" })).toBe(false);
    expect(v({ "x-telegram-bot-api-secret-token": "s3cret-s3cret-s3cre" })).toBe(false);
    expect(v({ "x-telegram-bot-api-secret-token": "s3cret-s3cret-s3cret-" })).toBe(false);
    expect(() => createTelegramChannel({ token: TOKEN, apiRoot: "http://127.0.0.1:9", mode: "webhook", logger: quietLogger() })).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
  });

  it("polling: deletes the webhook, sets the command menu, delivers updates with an advancing offset, stops promptly", async () => {
    const fake = await startFakeBotApi();
    cleanups.push(fake.close);
    let served = false;
    fake.setFallback((call) => {
      if (call.method === "getUpdates") {
        const result = served ? [] : [msg(100, "mai pha"), { update_id: 101, poll: {} }, msg(102, "/start c_06529")];
        served = true;
        return { status: 200, json: { ok: true, result } };
      }
      return { status: 200, json: { ok: true, result: true } };
    });
    const adapter = createTelegramChannel({ token: TOKEN, apiRoot: fake.url, mode: "polling", logger: quietLogger(), pollMinIntervalMs: 50 });
    expect(adapter.webhook).toBeUndefined();
    const got: InboundEvent[] = [];
    await adapter.startIntake!((events) => {
      got.push(...events);
      return Promise.resolve();
    });
    await expect.poll(() => fake.calls.filter((c) => c.method === "getUpdates").length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    const started = Date.now();
    await adapter.stopIntake!();
    expect(Date.now() - started).toBeLessThan(1000);

    expect(got.map((e) => e.type)).toEqual(["text", "start"]);
    const methods = fake.calls.map((c) => c.method);
    expect(methods.slice(0, 3)).toEqual(["setMyCommands", "setMyCommands", "deleteWebhook"]);
    const menu = fake.calls[0]!.body.commands as { command: string; description: string }[];
    expect(menu.map((c) => c.command)).toEqual(["start", "subs", "help", "stop"]);
    expect(menu[0]!.description).toMatch(/đăng ký/);
    expect(fake.calls[1]!.body.language_code).toBe("en");
    const polls = fake.calls.filter((c) => c.method === "getUpdates");
    expect(polls[0]!.body.offset).toBeUndefined();
    expect(polls[1]!.body.offset).toBe(103);
    const after = fake.calls.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.calls.length).toBe(after);
  });

  it("polling: a failing update is fetched again, not lost", async () => {
    const fake = await startFakeBotApi();
    cleanups.push(fake.close);
    fake.setFallback((call) =>
      call.method === "getUpdates" ? { status: 200, json: { ok: true, result: [msg(200, "xin chào")] } } : { status: 200, json: { ok: true, result: true } },
    );
    const adapter = createTelegramChannel({ token: TOKEN, apiRoot: fake.url, mode: "polling", logger: quietLogger(), pollMinIntervalMs: 20 });
    let attempts = 0;
    await adapter.startIntake!(() => {
      attempts++;
      return attempts === 1 ? Promise.reject(new Error("database down")) : Promise.resolve();
    });
    await expect.poll(() => attempts, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    await adapter.stopIntake!();
    const polls = fake.calls.filter((c) => c.method === "getUpdates");
    expect(polls[1]!.body.offset).toBeUndefined();
  });
});
