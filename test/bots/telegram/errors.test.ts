import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTelegramChannel } from "../../../bots/telegram/index.js";
import type { ChannelAdapter } from "../../../src/channels/adapter.js";
import { ConfigFailure, Permanent, RecipientGone, SendError, Throttled, Transient } from "../../../src/channels/errors.js";
import { quietLogger } from "../../support/database.js";
import { startFakeBotApi, tgError } from "./fake-bot-api.js";

const TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijklmn";
const to = { subscriberId: "s1", externalId: "4242" };

async function sendError(adapter: ChannelAdapter, text = "Xin chào"): Promise<SendError> {
  try {
    await adapter.send(to, { text });
  } catch (err) {
    expect(err).toBeInstanceOf(SendError);
    return err as SendError;
  }
  throw new Error("send did not fail");
}

describe("Telegram send: platform answers → the closed error set", () => {
  let fake: Awaited<ReturnType<typeof startFakeBotApi>>;
  let adapter: ChannelAdapter;

  beforeAll(async () => {
    fake = await startFakeBotApi();
    adapter = createTelegramChannel({ token: TOKEN, apiRoot: fake.url, mode: "polling", logger: quietLogger(), requestTimeoutSeconds: 5 });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.calls.length = 0;
  });

  it("sends text with an inline keyboard and returns the message id", async () => {
    const r = await adapter.send(to, {
      text: "Dự thảo mới",
      buttons: [[{ label: "Góp ý", action: "answer:1" }, { label: "Toàn văn", action: "", url: "https://example.gov.vn/d/1" }]],
    });
    expect(r.externalId).toBe("1");
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]!.method).toBe("sendMessage");
    expect(fake.calls[0]!.body).toEqual({
      chat_id: "4242",
      text: "Dự thảo mới",
      reply_markup: { inline_keyboard: [[{ text: "Góp ý", callback_data: "answer:1" }, { text: "Toàn văn", url: "https://example.gov.vn/d/1" }]] },
    });
  });

  it("splits text over 4096 characters, buttons under the last part", async () => {
    const para = "Đoạn văn bản dài. ".repeat(150); // 2,700 characters
    const text = `${para}\n\n${para}\n\n${para}`;
    await adapter.send(to, { text, buttons: [[{ label: "Góp ý", action: "answer:1" }]] });
    const texts = fake.calls.map((c) => c.body.text as string);
    expect(texts.length).toBe(3);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(4096);
    const norm = (s: string) => s.replace(/\s+/g, " ").trim();
    expect(norm(texts.join(" ")) === norm(text)).toBe(true);
    expect(fake.calls.map((c) => c.body.reply_markup !== undefined)).toEqual([false, false, true]);
  });

  it("refuses a button action over 64 bytes as Permanent, without calling Telegram", async () => {
    const err = await adapter.send(to, { text: "x", buttons: [[{ label: "Quá dài", action: "a".repeat(65) }]] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Permanent);
    expect(fake.calls).toHaveLength(0);
  });

  it("429 with a long retry_after → Throttled(retry_after × 1000), not absorbed", async () => {
    fake.reply(tgError(429, "Too Many Requests: retry after 30", { retry_after: 30 }));
    const started = Date.now();
    const err = await sendError(adapter);
    expect(err).toBeInstanceOf(Throttled);
    expect((err as Throttled).retryAfterMs).toBe(30_000);
    expect(err.code).toBe(429);
    expect(err.method).toBe("sendMessage");
    expect(err.payload).toMatchObject({ chat_id: "4242", text: "Xin chào" });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(fake.calls).toHaveLength(1);
  });

  it("429 with a short retry_after → Throttled too: sendMessage is not retried in place (the worker pauses the channel)", async () => {
    fake.reply(tgError(429, "Too Many Requests: retry after 1", { retry_after: 1 }));
    const started = Date.now();
    const err = await sendError(adapter, "Thử lại");
    expect(err).toBeInstanceOf(Throttled);
    expect((err as Throttled).retryAfterMs).toBe(1000);
    expect(Date.now() - started).toBeLessThan(900);
    expect(fake.calls.map((c) => c.method)).toEqual(["sendMessage"]);
  });

  it("a short 429 on answerCallbackQuery is waited out by auto-retry and the button press is answered", async () => {
    fake.reply(tgError(429, "Too Many Requests: retry after 1", { retry_after: 1 }));
    const started = Date.now();
    await adapter.acknowledge!({ channel: "telegram", type: "action", action: "answer:1", callbackId: "cb-1", externalId: "4242", updateKey: "u1", at: new Date() });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fake.calls.map((c) => [c.method, c.body.callback_query_id])).toEqual([
      ["answerCallbackQuery", "cb-1"],
      ["answerCallbackQuery", "cb-1"],
    ]);
  });

  it("403 bot was blocked → RecipientGone", async () => {
    fake.reply(tgError(403, "Forbidden: bot was blocked by the user"));
    const err = await sendError(adapter);
    expect(err).toBeInstanceOf(RecipientGone);
    expect(err.description).toBe("Forbidden: bot was blocked by the user");
  });

  it("400 chat not found → RecipientGone; another 400 → Permanent with its description", async () => {
    fake.reply(tgError(400, "Bad Request: chat not found"));
    expect(await sendError(adapter)).toBeInstanceOf(RecipientGone);
    fake.reply(tgError(400, "Bad Request: can't parse entities"));
    const err = await sendError(adapter);
    expect(err).toBeInstanceOf(Permanent);
    expect(err.detail).toBe("sendMessage: [400] Bad Request: can't parse entities");
  });

  it("401 and 404 (wrong token) → ConfigFailure", async () => {
    fake.reply(tgError(401, "Unauthorized"));
    expect(await sendError(adapter)).toBeInstanceOf(ConfigFailure);
    fake.reply(tgError(404, "Not Found"));
    expect(await sendError(adapter)).toBeInstanceOf(ConfigFailure);
  });

  it("500, a non-JSON 502 and a dropped connection → Transient, without retrying in place", async () => {
    fake.reply(tgError(500, "Internal Server Error"));
    expect(await sendError(adapter)).toBeInstanceOf(Transient);
    fake.reply({ status: 502, text: "<html>Bad Gateway</html>" });
    expect(await sendError(adapter)).toBeInstanceOf(Transient);
    fake.reply({ drop: true });
    const err = await sendError(adapter);
    expect(err).toBeInstanceOf(Transient);
    expect(fake.calls).toHaveLength(3);
  });

  it("never lets the token into an error (message, detail, cause, payload)", async () => {
    fake.reply({ drop: true });
    const err = await sendError(adapter);
    const seen = JSON.stringify({
      message: err.message,
      detail: err.detail,
      description: err.description,
      payload: err.payload,
      cause: err.cause instanceof Error ? err.cause.message : err.cause,
      stack: err.stack,
    });
    expect(seen).not.toContain(TOKEN);
    expect(seen).not.toContain("AAFakeTokenForTestsOnly");
    expect(fake.calls.at(-1)!.token).toBe(TOKEN);
  });
});
