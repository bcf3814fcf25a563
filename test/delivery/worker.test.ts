import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows } from "../../src/db/client.js";
import { createMetrics, type Metrics } from "../../src/metrics.js";
import { createBroadcaster } from "../../src/delivery/broadcast.js";
import { createDeliveryWorker, type DeliveryWorkerOptions } from "../../src/delivery/worker.js";
import { enqueue } from "../../src/delivery/outbox.js";
import { PRIORITY_REPLY } from "../../src/db/schema/index.js";
import { databaseKinds, quietLogger } from "../support/database.js";
import { useTestDatabase } from "../support/lifecycle.js";
import { insertDraft, seedSubscribers, someUnits, stateCounts, waitForBroadcast } from "../support/delivery.js";
import { startFakeTelegramApi, type FakeTelegramApi } from "../fakes/telegram-api.js";
import { createHttpTelegramAdapter } from "../fakes/http-telegram-adapter.js";

const broadcaster = createBroadcaster({ timeZone: "Asia/Ho_Chi_Minh" });

describe.each(databaseKinds)("delivery worker on %s", (kind) => {
  const database = useTestDatabase(kind);
  let fake: FakeTelegramApi;
  let adapter: ReturnType<typeof createHttpTelegramAdapter>;
  let units: string[];
  let base = 1_000_000;
  const nextBase = () => (base += 100_000);

  beforeAll(async () => {
    fake = await startFakeTelegramApi();
    adapter = createHttpTelegramAdapter({ apiRoot: fake.apiRoot, token: "123:test" });
    units = await someUnits(database.db, 12);
  });
  afterAll(async () => {
    adapter.close();
    await fake.close();
  });
  afterEach(() => {
    fake.reset();
    fake.configure({ latencyMs: 0, rateLimitPerSecond: 0, retryAfterSeconds: 1 });
  });

  const worker = (metrics: Metrics, o: Partial<DeliveryWorkerOptions> = {}) =>
    createDeliveryWorker({ db: database.db, adapters: [adapter], logger: quietLogger(), metrics, retryBaseMs: 20, idlePollMs: 50, ...o });

  const publish = (draftId: string) => database.db.transaction((tx) => broadcaster.draftPublished(tx, draftId, "test"));
  const subscriberOf = async (chatId: number) =>
    (await queryRows<{ id: string; status: string }>(database.db, sql`select id, status from subscribers where channel = 'telegram' and external_id = ${String(chatId)}`))[0]!;
  const counter = async (m: Metrics, outcome: string) =>
    (await m.deliveries.get()).values.find((v) => v.labels.outcome === outcome && v.labels.channel === "telegram")?.value ?? 0;

  it("sends a 2,000-subscriber broadcast with exactly one sendMessage per subscriber, and scripts to propagandists", async () => {
    const b = nextBase();
    const [u1, u2, u3, other] = units as [string, string, string, string];
    await seedSubscribers(database.db, { count: 2000, units: [u1, u2, u3], base: b });
    // 100 of them follow a second target commune: still one message each.
    await database.db.execute(sql`insert into subscriptions (subscriber_id, unit_code, role)
      select id, ${u3}, 'resident' from subscribers where channel = 'telegram' and external_id::bigint between ${b} and ${b + 299}
        and (external_id::bigint - ${b}) % 3 <> 2 limit 100`);
    await seedSubscribers(database.db, { count: 50, units: [other], base: b + 5000 }); // not targeted
    await seedSubscribers(database.db, { count: 20, units: [u1], base: b + 6000, status: "stopped" });
    await seedSubscribers(database.db, { count: 30, units: [u1, u2], base: b + 7000, role: "propagandist" });
    const draftId = await insertDraft(database.db, { units: [u1, u2, u3] });

    const ref = await publish(draftId);
    expect(ref).toMatchObject({ recipients: 2000 });
    const metrics = createMetrics();
    const w = worker(metrics);
    const processed = await w.drain();
    expect(processed).toBe(2030);

    for (let i = 0; i < 2000; i++) expect(fake.sentCount(b + i), `chat ${b + i}`).toBe(1);
    for (let i = 0; i < 50; i++) expect(fake.sentCount(b + 5000 + i)).toBe(0);
    for (let i = 0; i < 20; i++) expect(fake.sentCount(b + 6000 + i)).toBe(0);
    expect(fake.stats()).toMatchObject({ sent: 2030, duplicates: 0, throttled: 0 });
    expect(await stateCounts(database.db, ref!.broadcastId)).toEqual({ sent: 2000 });
    expect(await counter(metrics, "sent")).toBe(2030);

    const [msg] = fake.messages(b);
    expect(msg!.text).toContain("Nghị quyết về phí thu gom rác thải");
    expect(msg!.text).toContain("23:59 ngày 30/06/2030");
    expect(msg!.text).toContain("https://langson.gov.vn/du-thao/1");
    expect(msg!.replyMarkup).toEqual({
      inline_keyboard: [
        [{ text: "Góp ý", callback_data: `answer:${draftId}` }, { text: "Xem thêm", callback_data: `more:${draftId}` }],
        [{ text: "Huỷ đăng ký", callback_data: "unsub" }],
      ],
    });
    const [script] = fake.messages(b + 7000);
    expect(script!.text).toContain("Kính thưa bà con");
    expect(script!.text).not.toContain("⟦unit⟧");
    expect(script!.replyMarkup).toEqual({ inline_keyboard: [[{ text: "Đã đọc", callback_data: `read:${draftId}` }]] });
    const [relays] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from relays where draft_id = ${draftId} and confirmed_at is null`);
    expect(relays!.n).toBe(30);

    // Publishing again does not send the draft twice.
    expect(await publish(draftId)).toEqual(ref);
    expect(await w.drain()).toBe(0);
  });

  it("honours 429 retry_after: nothing lost, nothing failed, nothing doubled", async () => {
    const b = nextBase();
    await seedSubscribers(database.db, { count: 150, units: [units[4]!], base: b });
    const draftId = await insertDraft(database.db, { units: [units[4]!] });
    fake.configure({ rateLimitPerSecond: 50, retryAfterSeconds: 1 });
    const ref = await publish(draftId);
    const metrics = createMetrics();
    const started = performance.now();
    await worker(metrics, { rates: { telegram: 0 } }).drain();
    expect(performance.now() - started).toBeGreaterThan(1000); // it waited for retry_after
    expect(fake.stats().throttled).toBeGreaterThan(0);
    expect(await counter(metrics, "throttled")).toBe(fake.stats().throttled);
    expect(await stateCounts(database.db, ref!.broadcastId)).toEqual({ sent: 150 });
    for (let i = 0; i < 150; i++) expect(fake.sentCount(b + i)).toBe(1);
    const [att] = await queryRows<{ max: number }>(database.db, sql`select max(attempts)::int as max from deliveries where broadcast_id = ${ref!.broadcastId}`);
    expect(att!.max).toBe(1); // throttled sends do not count as attempts
    // That the limiter at the platform's limit provokes no 429 is test/delivery/pacing.test.ts's, against a
    // fake in a process of its own: this one shares the test's thread and judges arrivals late.
  });

  it("marks blocked users gone, fails their other queued messages and sends them nothing more", async () => {
    const b = nextBase();
    await seedSubscribers(database.db, { count: 40, units: [units[5]!], base: b });
    const draftId = await insertDraft(database.db, { units: [units[5]!] });
    const blocked = [b + 3, b + 7, b + 11];
    for (const c of blocked) fake.failChat(c, "blocked");
    const ref = await publish(draftId);
    const gone0 = await subscriberOf(b + 3);
    // A second message already queued for a blocked person.
    await enqueue(database.db, [{ subscriberId: gone0.id, channel: "telegram", kind: "reminder", message: { text: "Nhắc góp ý" } }]);

    const metrics = createMetrics();
    await worker(metrics, { concurrency: 1 }).drain();
    expect(await stateCounts(database.db, ref!.broadcastId)).toEqual({ sent: 37, failed: 3 });
    for (const c of blocked) expect((await subscriberOf(c)).status).toBe("gone");
    expect((await subscriberOf(b + 4)).status).toBe("active");
    const other = await queryRows<{ state: string; error_kind: string }>(database.db, sql`
      select state, error_kind from deliveries where subscriber_id = ${gone0.id} and kind = 'reminder'`);
    expect(other).toEqual([{ state: "failed", error_kind: "recipient_gone" }]);
    expect(fake.stats().failed).toBe(3); // one refused call each, no retries
    expect(await counter(metrics, "failed")).toBe(4);

    const ext = await database.db.transaction((tx) => broadcaster.draftExtended(tx, draftId, "test"));
    expect(ext!.recipients).toBe(37);
    await worker(createMetrics()).drain();
    for (const c of blocked) expect(fake.sentCount(c)).toBe(0);
    expect(fake.messages(b)[1]!.text).toContain("Gia hạn");
  });

  it("retries 5xx and dropped connections with backoff, and fails after the attempt limit", async () => {
    const b = nextBase();
    await seedSubscribers(database.db, { count: 60, units: [units[6]!], base: b });
    const draftId = await insertDraft(database.db, { units: [units[6]!], title: "Quy định về bến xe" });
    fake.failChat(b + 1, "server_error", 2);
    fake.failChat(b + 2, "drop", 2);
    fake.failChat(b + 3, "server_error"); // forever
    fake.failChat(b + 4, "bad_request");
    fake.failNextCalls(5, "drop");
    const ref = await publish(draftId);
    const metrics = createMetrics();
    const w = worker(metrics, { maxAttempts: 4, retryBaseMs: 10 });
    await w.start();
    const c = await waitForBroadcast(database.db, ref!.broadcastId, 20_000);
    await w.stop();
    expect(c).toEqual({ sent: 58, failed: 2 });
    for (let i = 0; i < 60; i++) if (i !== 3 && i !== 4) expect(fake.sentCount(b + i), `chat ${i}`).toBe(1);
    const rows = await queryRows<{ external_id: string; state: string; attempts: number; error_kind: string | null }>(database.db, sql`
      select s.external_id, d.state, d.attempts, d.error_kind from deliveries d join subscribers s on s.id = d.subscriber_id
      where d.broadcast_id = ${ref!.broadcastId} and s.external_id in (${String(b + 1)}, ${String(b + 2)}, ${String(b + 3)}, ${String(b + 4)})
      order by s.external_id`);
    expect(rows).toEqual([
      { external_id: String(b + 1), state: "sent", attempts: 3, error_kind: null },
      { external_id: String(b + 2), state: "sent", attempts: 3, error_kind: null },
      { external_id: String(b + 3), state: "failed", attempts: 4, error_kind: "transient" },
      { external_id: String(b + 4), state: "failed", attempts: 1, error_kind: "permanent" },
    ]);
    expect(await counter(metrics, "retried")).toBeGreaterThanOrEqual(2 + 2 + 3 + 5);
  });

  it("sends replies ahead of a bulk broadcast, skips bulk to people who stopped, and gives unsent rows back on stop", async () => {
    const b = nextBase();
    await seedSubscribers(database.db, { count: 200, units: [units[7]!], base: b });
    const draftId = await insertDraft(database.db, { units: [units[7]!] });
    const ref = await publish(draftId);
    const stopper = await subscriberOf(b + 150);
    await database.db.execute(sql`update subscribers set status = 'stopped' where id = ${stopper.id}`);
    const w = worker(createMetrics(), { rates: { telegram: 50 } });
    await w.start();
    await new Promise((r) => setTimeout(r, 300));
    const replyTo = await subscriberOf(b + 199);
    await enqueue(database.db, [{ subscriberId: replyTo.id, channel: "telegram", kind: "reply", priority: PRIORITY_REPLY, message: { text: "Cảm ơn bạn đã góp ý" } }]);
    await enqueue(database.db, [{ subscriberId: stopper.id, channel: "telegram", kind: "reply", priority: PRIORITY_REPLY, message: { text: "Bạn đã huỷ đăng ký" } }]);
    w.kick();
    await new Promise((r) => setTimeout(r, 600));
    await w.stop();
    // At 50/s, 200 announcements take 4 s: the replies went out within 0.6 s of being queued.
    expect(fake.messages(b + 199).map((m) => m.text)).toContain("Cảm ơn bạn đã góp ý");
    expect(fake.messages(b + 150).map((m) => m.text)).toEqual(["Bạn đã huỷ đăng ký"]);
    const c = await stateCounts(database.db, ref!.broadcastId);
    expect(c.sending ?? 0).toBe(0);
    expect(c.queued).toBeGreaterThan(100);
    const [a] = await queryRows<{ max: number }>(database.db, sql`select max(attempts)::int as max from deliveries where broadcast_id = ${ref!.broadcastId} and state = 'queued'`);
    expect(a!.max).toBe(0);

    await worker(createMetrics()).drain();
    const [skipped] = await queryRows<{ state: string; error_kind: string; error_detail: string }>(database.db, sql`
      select state, error_kind, error_detail from deliveries where broadcast_id = ${ref!.broadcastId} and subscriber_id = ${stopper.id}`);
    expect(skipped).toEqual({ state: "failed", error_kind: "stopped", error_detail: "subscriber stopped" });
    expect(await stateCounts(database.db, ref!.broadcastId)).toEqual({ sent: 199, failed: 1 });
    expect(fake.stats().duplicates).toBe(0);
  });

  it("puts deliveries whose lease expired back in the queue and sends them", async () => {
    const b = nextBase();
    await seedSubscribers(database.db, { count: 10, units: [units[8]!], base: b });
    const draftId = await insertDraft(database.db, { units: [units[8]!] });
    const ref = await publish(draftId);
    await database.db.execute(sql`update deliveries set state = 'sending', leased_by = 'crashed', attempts = 1,
      lease_until = now() - interval '1 second' where broadcast_id = ${ref!.broadcastId}`);
    await worker(createMetrics()).drain();
    expect(await stateCounts(database.db, ref!.broadcastId)).toEqual({ sent: 10 });
  });

  it("refuses to broadcast a draft marked as containing state secrets", async () => {
    const draftId = await insertDraft(database.db, { units: [units[9]!], secret: true });
    await expect(publish(draftId)).rejects.toMatchObject({ status: 409 });
    const [n] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from broadcasts where draft_id = ${draftId}`);
    expect(n!.n).toBe(0);
  });
});
