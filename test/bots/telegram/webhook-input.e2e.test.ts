import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../../src/db/client.js";
import { databaseKinds } from "../../support/database.js";
import { startTestService, type TestService } from "../../support/service.js";
import { startEmulator, type Emulator } from "./emulator.js";

const TOKEN = "987654321:AAEmulatorTokenForGopyTests_0123456789";
const SECRET = "gopy-webhook-secret-0123456789";

/** Bad input on POST /webhooks/telegram against the real service (Telegram played by telegram-test-api). */
describe.each(databaseKinds)("Telegram webhook, bad input (%s)", (kind) => {
  let emu: Emulator;
  let svc: TestService;
  let nextUpdate = 1000;

  const stored = async () =>
    (await queryRows<{ u: number; s: number }>(svc.database.db, sql`
      select (select count(*)::int from inbound_updates) as u, (select count(*)::int from subscribers) as s`))[0]!;
  const update = (text: string, id = nextUpdate++) => ({
    update_id: id,
    message: { message_id: id, date: Math.floor(Date.now() / 1000), text, from: { id: 31337, is_bot: false, first_name: "Minh" }, chat: { id: 31337, type: "private" } },
  });
  const post = (body: string, headers: Record<string, string> = { "x-telegram-bot-api-secret-token": SECRET }) =>
    svc.api("POST", "/webhooks/telegram", { rawBody: body, headers });

  beforeAll(async () => {
    emu = await startEmulator(TOKEN, { userId: 31337, firstName: "Minh" });
    // No PUBLIC_BASE_URL: the service does not register a webhook in the emulator (it would post without the secret).
    svc = await startTestService(kind, {
      TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_MODE: "webhook", TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: emu.apiRoot, BODY_LIMIT: "16kb",
    });
  });
  afterAll(async () => {
    await svc?.stop();
    await emu?.stop();
  });

  it("without the secret, or with a wrong one → 401, nothing stored", async () => {
    const before = await stored();
    for (const headers of [{}, { "x-telegram-bot-api-secret-token": "wrong-secret-0123456789" }, { "x-telegram-bot-api-secret-token": SECRET + "x" }]) {
      const res = await post(JSON.stringify(update("/start")), headers as Record<string, string>);
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toMatch(/problem\+json/);
    }
    expect(await stored()).toEqual(before);
    expect(emu.received()).toHaveLength(0);
  });

  it("a button press is acknowledged in the webhook's answer (a webhook reply calling answerCallbackQuery)", async () => {
    const id = nextUpdate++;
    const press = {
      update_id: id,
      callback_query: {
        id: `cbq-${id}`, from: { id: 42424, is_bot: false, first_name: "Lan" }, chat_instance: "1", data: "subs",
        message: { message_id: id, date: Math.floor(Date.now() / 1000), text: "?", chat: { id: 42424, type: "private" } },
      },
    };
    const res = await post(JSON.stringify(press));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ method: "answerCallbackQuery", callback_query_id: `cbq-${id}` });
    // A message (no button) is answered with the plain acknowledgement.
    const help = update("/help");
    const msg = await post(JSON.stringify({ ...help, message: { ...help.message, from: press.callback_query.from, chat: press.callback_query.message.chat } }));
    expect(msg.status).toBe(200);
    expect(msg.body).toEqual({ ok: true, events: 1 });
  });

  it("the same update delivered twice → stored and answered once", async () => {
    const before = await stored();
    const u = JSON.stringify(update("/start"));
    expect((await post(u)).status).toBe(200);
    expect((await post(u)).status).toBe(200);
    const after = await stored();
    expect(after.u - before.u).toBe(1);
    expect(after.s - before.s).toBe(1);
    await expect.poll(() => emu.received().length, { timeout: 10_000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(emu.received()).toHaveLength(1);
  });

  it("malformed JSON → 400; oversized → 413; unknown update shape → 200, ignored; nothing stored", async () => {
    const before = await stored();
    const bad = await post("{\"update_id\": 5, \"message\": ");
    expect(bad.status).toBe(400);
    expect(bad.body.type).toMatch(/malformed-json/);
    const big = await post(JSON.stringify(update("x".repeat(20_000))));
    expect(big.status).toBe(413);
    expect(big.body.type).toMatch(/too-large/);
    for (const shape of [{ update_id: nextUpdate++, poll: { id: "1" } }, { hello: "world" }, [1, 2], { update_id: nextUpdate++, message: { text: "no sender" } }]) {
      expect((await post(JSON.stringify(shape))).status).toBe(200);
    }
    expect(await stored()).toEqual(before);
  });

  it("5,000 characters and emoji-only text get a clear reply, no error", async () => {
    const before = emu.received().length;
    expect((await post(JSON.stringify(update("a".repeat(5000))))).status).toBe(200);
    expect((await post(JSON.stringify(update("🙂🙂🙂")))).status).toBe(200);
    await expect.poll(() => emu.received().length - before, { timeout: 10_000 }).toBe(2);
    for (const m of emu.received().slice(before)) expect(m.text.length).toBeGreaterThan(10);
  });
  it("NUL and other control characters in the text and the name are stripped: 200, handled and answered", async () => {
    const before = emu.received().length;
    const body = update("mai\u0000 pha\u0007");
    body.message.from.first_name = "Mi\u0000nh\u001b";
    expect((await post(JSON.stringify(body))).status).toBe(200);
    await expect.poll(() => emu.received().length - before, { timeout: 10_000 }).toBe(1);
    expect(emu.received().at(-1)!.text).toContain("Phường Đông Kinh");
  });

  it("a date far out of range (253402300800) is handled with the arrival time: 200, stored", async () => {
    const before = await stored();
    const body = update("/start");
    body.message.date = 253402300800;
    expect((await post(JSON.stringify(body))).status).toBe(200);
    const after = await stored();
    expect(after.u - before.u).toBe(1);
  });
});
