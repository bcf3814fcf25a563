import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../../src/db/client.js";
import { t } from "../../../src/i18n/index.js";
import { databaseKinds } from "../../support/database.js";
import { startTestService, type TestService } from "../../support/service.js";
import { startFakeZaloBot, type FakeZaloBot } from "../../fakes/zalo-bot-api.js";

const SECRET = "zalo-bot-webhook-secret-0123";

/** Bad input on POST /webhooks/zalo-bot against the real service (the Bot API played by the fake). */
describe.each(databaseKinds)("Zalo Bot webhook, bad input (%s)", (kind) => {
  let fake: FakeZaloBot;
  let svc: TestService;
  let n = 0;
  const stored = async () =>
    (await queryRows<{ u: number; s: number }>(svc.database.db, sql`
      select (select count(*)::int from inbound_updates where channel = 'zalo-bot') as u,
             (select count(*)::int from subscribers where channel = 'zalo-bot') as s`))[0]!;
  const post = (body: string, headers: Record<string, string> = { "x-bot-api-secret-token": SECRET }) =>
    svc.api("POST", "/webhooks/zalo-bot", { rawBody: body, headers });
  const settle = () => new Promise((r) => setTimeout(r, 300));

  beforeAll(async () => {
    fake = await startFakeZaloBot();
    svc = await startTestService(kind, {
      ZALO_BOT_TOKEN: fake.token, ZALO_BOT_WEBHOOK_SECRET: SECRET, ZALO_BOT_API_BASE: fake.url, BODY_LIMIT: "16kb", PUBLIC_BASE_URL: "https://gopy.example.gov.vn",
    });
  });

  it("registers its webhook with the secret at start", () => {
    expect(fake.webhook).toEqual({ url: "https://gopy.example.gov.vn/webhooks/zalo-bot", secret_token: SECRET });
  });
  afterAll(async () => {
    await svc?.stop();
    await fake?.close();
  });

  it("without the secret header, or with a wrong one → 401, nothing stored", async () => {
    const before = await stored();
    const body = JSON.stringify({ ok: true, result: fake.textUpdate("c1", "/start") });
    const attempts: Record<string, string>[] = [{}, { "x-bot-api-secret-token": "wrong-secret-0123456789" }, { "x-bot-api-secret-token": SECRET + "x" }];
    for (const h of attempts) expect((await post(body, h)).status).toBe(401);
    await settle();
    expect(await stored()).toEqual(before);
    expect(fake.sent).toHaveLength(0);
  });

  it("the same update (event name + message id) twice → stored and answered once", async () => {
    const before = await stored();
    const body = JSON.stringify(fake.textUpdate("c2", "/start", `dup-${n++}`));
    expect((await post(body)).status).toBe(200);
    expect((await post(body)).status).toBe(200);
    await expect.poll(() => fake.textsTo("c2").length, { timeout: 10_000 }).toBe(1);
    await settle();
    const after = await stored();
    expect([after.u - before.u, after.s - before.s]).toEqual([1, 1]);
    expect(fake.textsTo("c2")).toHaveLength(1);
  });

  it("not JSON → 400; too large → 413; unknown events and shapes → 200, ignored; nothing stored", async () => {
    const before = await stored();
    expect((await post('{"ok":true,"result":{')).status).toBe(400);
    expect((await post(JSON.stringify(fake.textUpdate("c3", "x".repeat(20_000))))).status).toBe(413);
    for (const shape of [
      { ok: true, result: { event_name: "message.sticker.received", message: { message_id: "s1", chat: { id: "c3" }, from: { id: "c3" } } } },
      { event_name: "message.unsupported.received", message: { message_id: "u1", chat: { id: "c3" }, from: { id: "c3" } } },
      { event_name: "message.rocket.launched", message: { message_id: "r1", chat: { id: "c3" } } },
      { hello: "world" },
      [1, 2],
    ]) {
      expect((await post(JSON.stringify(shape))).status, JSON.stringify(shape)).toBe(200);
    }
    await settle();
    expect(await stored()).toEqual(before);
  });

  it("NUL in the text and the name is stripped; a date of 1e20 is replaced by the arrival time: 200, handled and answered", async () => {
    const before = await stored();
    const u = fake.textUpdate("c4", "mai\u0000 pha", `nul-${n++}`) as { message: Record<string, unknown> & { from: Record<string, unknown> } };
    u.message.from.display_name = "Chị\u0000 Mai";
    u.message.date = 1e20;
    expect((await post(JSON.stringify(u))).status).toBe(200);
    await expect.poll(() => fake.textsTo("c4").length, { timeout: 10_000 }).toBe(1);
    expect(fake.textsTo("c4")[0]).toContain("Phường Đông Kinh");
    const after = await stored();
    expect([after.u - before.u, after.s - before.s]).toEqual([1, 1]);
  });
});

describe.each(databaseKinds)("Zalo Bot polling mode (%s)", (kind) => {
  let fake: FakeZaloBot;
  let svc: TestService | undefined;
  beforeAll(async () => {
    fake = await startFakeZaloBot();
    svc = await startTestService(kind, { ZALO_BOT_TOKEN: fake.token, ZALO_BOT_MODE: "polling", ZALO_BOT_API_BASE: fake.url, ZALO_BOT_POLL_TIMEOUT_S: "1" });
  });
  afterAll(async () => {
    await svc?.stop();
    await fake?.close();
  });

  it("receives updates through getUpdates (after deleteWebhook), answers, has no webhook route, and stops promptly", async () => {
    fake.queueUpdate({ ok: true, result: fake.textUpdate("p1", "/start", "p-1") });
    await expect.poll(() => fake.textsTo("p1").length, { timeout: 10_000 }).toBe(1);
    expect(fake.textsTo("p1")[0]).toContain(t("vi", "sub.welcome").slice(0, 20));
    fake.queueUpdate(fake.textUpdate("p1", "mai pha", "p-2"));
    await expect.poll(() => fake.textsTo("p1").length, { timeout: 10_000 }).toBe(2);
    expect(fake.textsTo("p1")[1]).toContain("Phường Đông Kinh");
    expect(fake.methods[0]).toBe("deleteWebhook");
    expect((await svc!.api("POST", "/webhooks/zalo-bot", { rawBody: "{}" })).status).toBe(404);
    fake.pollWaitMs = 60_000; // a long poll is now hanging: shutdown must not wait for it
    await new Promise((r) => setTimeout(r, 1200));
    const t0 = Date.now();
    await svc!.stop();
    expect(Date.now() - t0).toBeLessThan(5000);
    svc = undefined;
  });
});
