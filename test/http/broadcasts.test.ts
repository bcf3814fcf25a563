import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows } from "../../src/db/client.js";
import { databaseKinds } from "../support/database.js";
import { startTestService, type TestService } from "../support/service.js";
import { insertDraft, seedSubscribers, someUnits, waitForBroadcast } from "../support/delivery.js";
import { startFakeTelegramApi, type FakeTelegramApi } from "../fakes/telegram-api.js";

const TOKEN = "123456789:AAtest_token_for_the_fake_api_00000";

/** End to end: publish through the API, the real Telegram adapter (grammY) sends to the fake Bot API. */
describe.each(databaseKinds)("broadcast status API on %s", (kind) => {
  let fake: FakeTelegramApi;
  let svc: TestService;
  let key: string;

  beforeAll(async () => {
    fake = await startFakeTelegramApi({ latencyMs: 5 });
    svc = await startTestService(kind, {
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_MODE: "polling",
      TELEGRAM_RATE_LIMIT_PER_SECOND: "200",
      SIMULATOR_ENABLED: "false",
    });
    key = await svc.createKey("admin");
  });
  afterAll(async () => {
    await svc?.stop();
    await fake?.close();
  });

  it("publishing sends one message per subscriber through the Telegram adapter and the status API follows it", async () => {
    const db = svc.database.db;
    const [u1, u2] = await someUnits(db, 2);
    await seedSubscribers(db, { count: 400, units: [u1!, u2!], base: 7_000_000 });
    fake.failChat(7_000_010, "blocked");
    const draftId = await insertDraft(db, { units: [u1!, u2!], status: "draft" });

    const pub = await svc.api("POST", `/api/v1/drafts/${draftId}/publish`, { key, body: {} });
    expect(pub.status, pub.text).toBe(200);
    const list = await svc.api("GET", `/api/v1/drafts/${draftId}/broadcasts`, { key });
    expect(list.status).toBe(200);
    const announcement = list.body.items.find((b: { kind: string }) => b.kind === "announcement");
    expect(announcement).toMatchObject({ draftId, total: 400 });

    await waitForBroadcast(db, announcement.id, 30_000);
    const st = await svc.api("GET", `/api/v1/broadcasts/${announcement.id}`, { key });
    expect(st.status).toBe(200);
    expect(st.body).toMatchObject({
      id: announcement.id,
      total: 400,
      counts: { queued: 0, sending: 0, sent: 399, failed: 1, outside_window: 0 },
      done: 400,
      percent: 100,
      finished: true,
      etaSeconds: 0,
      failuresByReason: [{ reason: "recipient_gone", count: 1 }],
      byChannel: [{ channel: "telegram", counts: { sent: 399, failed: 1 } }],
    });
    expect(st.body.ratePerSecond).toBeGreaterThan(0);
    for (let i = 0; i < 400; i++) if (i !== 10) expect(fake.sentCount(7_000_000 + i)).toBe(1);
    expect(fake.messages(7_000_000)[0]!.replyMarkup).toMatchObject({ inline_keyboard: [[{ callback_data: `answer:${draftId}` }, { callback_data: `more:${draftId}` }], [{ callback_data: "unsub" }]] });
    const [gone] = await queryRows<{ status: string }>(db, sql`select status from subscribers where external_id = '7000010'`);
    expect(gone!.status).toBe("gone");

    const metrics = await (await fetch(`${svc.url}/metrics`)).text();
    expect(metrics).toMatch(/gopy_deliveries_total\{channel="telegram",outcome="sent"\} 399/);
  });

  it("answers 404 for an unknown broadcast or draft and for a malformed id, 401 without a key", async () => {
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect((await svc.api("GET", `/api/v1/broadcasts/${unknown}`, { key })).status).toBe(404);
    expect((await svc.api("GET", `/api/v1/drafts/${unknown}/broadcasts`, { key })).status).toBe(404);
    const bad = await svc.api("GET", `/api/v1/broadcasts/not-a-uuid`, { key });
    expect(bad.status).toBe(404);
    expect((await svc.api("GET", `/api/v1/broadcasts/${unknown}`)).status).toBe(401);
    const viewer = await svc.createKey("viewer", "Sở Xây dựng");
    expect((await svc.api("GET", `/api/v1/broadcasts/${unknown}`, { key: viewer })).status).toBe(404);
  });
});
