import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows, type Database, type Db } from "../../src/db/client.js";
import { createMetrics } from "../../src/metrics.js";
import { createBroadcaster } from "../../src/delivery/broadcast.js";
import { createDeliveryWorker } from "../../src/delivery/worker.js";
import type { PacingOptions } from "../../src/delivery/rate-limiter.js";
import { enqueue } from "../../src/delivery/outbox.js";
import { PRIORITY_REPLY } from "../../src/db/schema/index.js";
import { createTelegramChannel } from "../../bots/telegram/index.js";
import type { ChannelAdapter } from "../../src/channels/adapter.js";
import { createTestDatabase, databaseKinds, quietLogger } from "../support/database.js";
import { useTestDatabase } from "../support/lifecycle.js";
import { insertDraft, seedSubscribers, someUnits, stateCounts } from "../support/delivery.js";
import { startTestService, type TestService } from "../support/service.js";
import { startFakeTelegramProcess, type FakeTelegramProcess } from "../fakes/telegram-api-process.js";
import { traceSends } from "../support/pacing-trace.js";
import { startFakeZaloBotProcess, type FakeZaloBotProcess } from "../fakes/zalo-bot-process.js";
import { createZaloBotAdapter } from "../../bots/zalo-bot/adapter.js";
import { createZaloBotClient } from "../../bots/zalo-bot/client.js";
import { startFakeZaloOaProcess, type FakeZaloOaProcess } from "../fakes/zalo-oa-process.js";
import { dbLastInteraction } from "../../bots/zalo-oa/window.js";
import { watchSecret } from "../support/log-watch.js";
import { loadFakeOaToken, oaAdapterOnFake } from "../support/zalo-oa.js";

const broadcaster = createBroadcaster({ timeZone: "Asia/Ho_Chi_Minh" });
const TOKEN = "123456:pacing_test_token";
const LIMIT = 20;
/** Accepted sendMessage per chat, as the fake counted them. */
const countsTo = (fake: FakeTelegramProcess, ids: number[]) => Promise.all(ids.map(async (id) => (await fake.chat(id)).count));
/**
 * Let the sends of an earlier test leave the platform's window (a new worker knows nothing of an earlier one's
 * sends), then have the fake judge afresh at `limit`; returns how many sends it had accepted before.
 */
async function freshWindow(fake: { limit(o: { limit: number; mode: "strict"; reset: boolean }): Promise<void>; state(): Promise<{ sent: unknown[] }> }, limit: number): Promise<number> {
  await new Promise((r) => setTimeout(r, 1100));
  await fake.limit({ limit, mode: "strict", reset: true });
  return (await fake.state()).sent.length;
}

/** A delivery worker sending on one adapter at `rate` a second (and, when given, its per-recipient pacing). */
const workerAt = (db: Db, adapter: ChannelAdapter, rate: number, pacing?: PacingOptions) =>
  createDeliveryWorker({
    db, adapters: [adapter], logger: quietLogger(), metrics: createMetrics(), idlePollMs: 50,
    rates: { [adapter.name]: rate }, ...(pacing ? { pacing: { [adapter.name]: pacing } } : {}),
  });

/**
 * Strict pacing against a fake Bot API that judges the limit on arrival in any sliding second (a 429
 * otherwise) with latency added after: correctness checks (no 429, nothing lost, nothing doubled, a chat
 * never gets two messages within a second), not speed targets. The Telegram fake runs in a process of its
 * own, as the platform does (test/fakes/fake-process.ts says why).
 */
describe.each(databaseKinds)("strict pacing on %s", (kind) => {
  const database = useTestDatabase(kind);
  let fake: FakeTelegramProcess;
  let telegram: ChannelAdapter;
  let units: string[];
  let base = 5_000_000;
  const nextBase = () => (base += 100_000);

  beforeAll(async () => {
    fake = await startFakeTelegramProcess();
    telegram = createTelegramChannel({ token: TOKEN, apiRoot: fake.apiRoot, mode: "polling", logger: quietLogger() });
    units = await someUnits(database.db, 4);
  });
  afterAll(async () => {
    await fake.close();
  });
  afterEach(() => fake.reset());

  /** A worker on the traced adapter: a 429 it should not get is explained by `trace.explain`. */
  const trace = () => traceSends(telegram);
  const worker = (adapter: ChannelAdapter, rate = LIMIT) => workerAt(database.db, adapter, rate, { perRecipientMs: 1000 });

  it("a 300-recipient broadcast at 20/s: no 429 from a strict platform, everyone gets it once", async () => {
    const b = nextBase();
    await seedSubscribers(database.db, { count: 300, units: [units[0]!], base: b });
    const draftId = await insertDraft(database.db, { units: [units[0]!] });
    await fake.configure({ rateLimitPerSecond: LIMIT, limitMode: "strict", latencyMs: 80 });
    const ref = await database.db.transaction((tx) => broadcaster.draftPublished(tx, draftId, "test"));
    expect(ref!.recipients).toBe(300);

    const traced = trace();
    await worker(traced.adapter).drain();

    const stats = await fake.stats();
    expect(stats.throttled, traced.explain(stats)).toBe(0);
    expect(stats).toMatchObject({ sent: 300, duplicates: 0 });
    expect(stats.maxInWindow).toBeLessThanOrEqual(LIMIT);
    expect(await stateCounts(database.db, ref!.broadcastId)).toEqual({ sent: 300 });
    expect(await countsTo(fake, Array.from({ length: 300 }, (_, i) => b + i))).toEqual(Array(300).fill(1));
  });

  it("a 1,000-recipient broadcast at 200/s, a limit that keeps a reserve and catches up after stalls: no 429, everyone once", async () => {
    const b = nextBase();
    await seedSubscribers(database.db, { count: 1000, units: [units[3]!], base: b });
    const draftId = await insertDraft(database.db, { units: [units[3]!] });
    await fake.configure({ rateLimitPerSecond: 200, limitMode: "strict", latencyMs: 80 });
    const ref = await database.db.transaction((tx) => broadcaster.draftPublished(tx, draftId, "test"));
    expect(ref!.recipients).toBe(1000);

    const traced = trace();
    await worker(traced.adapter, 200).drain();

    const stats = await fake.stats();
    expect(stats.throttled, traced.explain(stats)).toBe(0);
    // 1,000 accepted, no chat twice: each of the 1,000 recipients got it once.
    expect(stats).toMatchObject({ sent: 1000, duplicates: 0 });
    expect(stats.maxInWindow).toBeLessThanOrEqual(200);
    expect(await stateCounts(database.db, ref!.broadcastId)).toEqual({ sent: 1000 });
  });

  it("one person getting several messages in a row: a second apart as Telegram sees them, in order, amid a broadcast", async () => {
    const b = nextBase();
    await seedSubscribers(database.db, { count: 40, units: [units[1]!], base: b });
    const draftId = await insertDraft(database.db, { units: [units[1]!] });
    await fake.configure({ rateLimitPerSecond: LIMIT, limitMode: "strict", latencyMs: 20 });
    const [person] = await queryRows<{ id: string }>(database.db, sql`select id from subscribers where channel = 'telegram' and external_id = ${String(b + 7)}`);
    const texts = ["Cảm ơn bạn đã góp ý.", "Câu hỏi 2: Bạn có đồng ý không?", "Câu hỏi 3: Ý kiến khác?", "Hẹn gặp lại."];
    await enqueue(database.db, texts.map((text) => ({ subscriberId: person!.id, channel: "telegram", kind: "reply", message: { text }, priority: PRIORITY_REPLY })));
    const ref = await database.db.transaction((tx) => broadcaster.draftPublished(tx, draftId, "test"));

    const traced = trace();
    await worker(traced.adapter).drain();

    const stats = await fake.stats();
    expect(stats.throttled, traced.explain(stats)).toBe(0);
    expect(stats).toMatchObject({ duplicates: 0 });
    expect(await stateCounts(database.db, ref!.broadcastId)).toEqual({ sent: 40 });
    const { messages, arrivals } = await fake.chat(b + 7);
    expect(messages.map((m) => m.text).slice(0, 4)).toEqual(texts);
    expect(arrivals).toHaveLength(5);
    // The fake's own judgement: no two arrivals for one chat within a second.
    for (let i = 1; i < arrivals.length; i++) expect(arrivals[i]! - arrivals[i - 1]!).toBeGreaterThanOrEqual(1000);
    expect(stats.minChatGapMs).toBeGreaterThanOrEqual(1000);
  });

  it("a message sent in parts takes a slot per part: 30 three-part replies at 20/s, no 429, every part once", async () => {
    const b = nextBase();
    await seedSubscribers(database.db, { count: 30, units: [units[2]!], base: b });
    await fake.configure({ rateLimitPerSecond: LIMIT, limitMode: "strict", latencyMs: 20 });
    const people = await queryRows<{ id: string }>(database.db, sql`
      select id from subscribers where channel = 'telegram' and external_id::bigint between ${b} and ${b + 29}`);
    // Over 8,192 characters: Telegram takes at most 4,096 per message, so each goes in three calls.
    const long = Array.from({ length: 900 }, (_, i) => `Đoạn ${i + 1}.`).join(" ");
    expect(long.length).toBeGreaterThan(8192);
    await enqueue(database.db, people.map((p) => ({ subscriberId: p.id, channel: "telegram", kind: "reply", message: { text: long }, priority: PRIORITY_REPLY })));

    const traced = trace();
    await worker(traced.adapter).drain();

    const stats = await fake.stats();
    expect(stats.throttled, traced.explain(stats)).toBe(0);
    expect(stats).toMatchObject({ sent: 90, duplicates: 0 });
    expect(stats.maxInWindow).toBeLessThanOrEqual(LIMIT);
    for (let i = 0; i < 30; i++) expect((await fake.chat(b + i)).messages.map((m) => m.text).join(" ").replace(/\s+/g, " ")).toBe(long);
  });
});

/** 200 people press /start at once: the consent replies share the channel's budget and provoke no 429. */
describe.each(databaseKinds)("a burst of replies on a strict platform (%s)", (kind) => {
  const SECRET = "pacing-webhook-secret-0123456789";
  let fake: FakeTelegramProcess;
  let svc: TestService;

  beforeAll(async () => {
    fake = await startFakeTelegramProcess({ rateLimitPerSecond: LIMIT, limitMode: "strict", latencyMs: 80 });
    svc = await startTestService(kind, {
      TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_MODE: "webhook", TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_RATE_LIMIT_PER_SECOND: String(LIMIT),
    });
  });
  afterAll(async () => {
    await svc?.stop();
    await fake?.close();
  });

  it("200 people pressing /start at once: each answered, nobody twice, no 429", async () => {
    const people = Array.from({ length: 200 }, (_, i) => 77_000_000 + i);
    const answers = await Promise.all(people.map((id, i) => svc.api("POST", "/webhooks/telegram", {
      headers: { "x-telegram-bot-api-secret-token": SECRET },
      body: { update_id: 10_000 + i, message: { message_id: i + 1, date: Math.floor(Date.now() / 1000), text: "/start", from: { id, is_bot: false, first_name: "Minh" }, chat: { id, type: "private" } } },
    })));
    expect(answers.map((a) => a.status)).toEqual(people.map(() => 200));

    const outstanding = async () =>
      (await queryRows<{ n: number }>(svc.database.db, sql`select count(*)::int as n from deliveries where state in ('queued', 'sending')`))[0]!.n;
    await expect.poll(outstanding, { timeout: 60_000, interval: 200 }).toBe(0);

    const [queued] = await queryRows<{ n: number; sent: number }>(svc.database.db, sql`
      select count(*)::int as n, count(*) filter (where state = 'sent')::int as sent from deliveries where channel = 'telegram'`);
    expect(queued!.n).toBeGreaterThanOrEqual(200);
    expect(queued!.sent).toBe(queued!.n);
    const stats = await fake.stats();
    expect(stats.throttled, JSON.stringify(stats.firstRefusals)).toBe(0);
    expect(stats).toMatchObject({ duplicates: 0, sent: queued!.n });
    expect(stats.maxInWindow).toBeLessThanOrEqual(LIMIT);
    const counts = await countsTo(fake, people);
    expect(people.filter((_, i) => counts[i]! < 1)).toEqual([]);
    expect(stats.minChatGapMs ?? Infinity).toBeGreaterThanOrEqual(1000);
  });
});

/** Zalo Bot with its own limit, through the same limiter. */
describe.each(databaseKinds)("strict pacing on Zalo Bot (%s)", (kind) => {
  let database: Database;
  let fake: FakeZaloBotProcess;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    fake = await startFakeZaloBotProcess();
  });
  afterAll(async () => {
    await fake?.close();
    await database?.close();
  });

  it("a 120-recipient broadcast at 8/s: no 429, everyone gets it once", async () => {
    const [unit] = await someUnits(database.db, 1);
    await seedSubscribers(database.db, { count: 120, units: [unit!], channel: "zalo-bot", base: 9_000_000 });
    const draftId = await insertDraft(database.db, { units: [unit!] });
    await fake.limit({ limit: 8, mode: "strict" });
    const zalo = createZaloBotAdapter({ client: createZaloBotClient({ apiBase: fake.url, token: fake.token }), logger: quietLogger(), mode: "webhook", webhookSecret: "s3cret-token" });
    const ref = await database.db.transaction((tx) => broadcaster.draftPublished(tx, draftId, "test"));
    expect(ref!.recipients).toBe(120);

    await workerAt(database.db, zalo, 8).drain();

    expect(await stateCounts(database.db, ref!.broadcastId)).toEqual({ sent: 120 });
    const { sent, refused, maxInWindow } = await fake.state();
    expect(sent).toHaveLength(120);
    expect(new Set(sent.map((m) => m.chatId)).size).toBe(120);
    expect(refused).toBe(0);
    expect(maxInWindow).toBeLessThanOrEqual(8);
  });

  it("replies in three parts at 8/s: a slot per part, no 429, every part once and in order", async () => {
    const [unit] = await someUnits(database.db, 2);
    const base = 9_500_000;
    await seedSubscribers(database.db, { count: 12, units: [unit!], channel: "zalo-bot", base });
    const people = await queryRows<{ id: string; external_id: string }>(database.db, sql`
      select id, external_id from subscribers where channel = 'zalo-bot' and external_id::bigint between ${base} and ${base + 11}`);
    // Over 4,000 characters: a Zalo Bot message takes at most 2,000, so each reply goes in three calls.
    const long = Array.from({ length: 450 }, (_, i) => `Đoạn ${i + 1}.`).join(" ");
    expect(long.length).toBeGreaterThan(4000);
    await enqueue(database.db, people.map((p) => ({ subscriberId: p.id, channel: "zalo-bot", kind: "reply", message: { text: long }, priority: PRIORITY_REPLY })));
    // The broadcast before this test sent within the last second: judge this test's sends alone.
    const sentBefore = await freshWindow(fake, 8);
    const zalo = createZaloBotAdapter({ client: createZaloBotClient({ apiBase: fake.url, token: fake.token }), logger: quietLogger(), mode: "webhook", webhookSecret: "s3cret-token" });

    await workerAt(database.db, zalo, 8).drain();

    const { sent, refused, maxInWindow } = await fake.state();
    expect(sent.length - sentBefore).toBe(36);
    const textsTo = (chatId: string) => sent.filter((m) => m.chatId === chatId).map((m) => m.text);
    for (const p of people) expect(textsTo(p.external_id).join(" ").replace(/\s+/g, " ")).toBe(long);
    expect(refused).toBe(0);
    expect(maxInWindow).toBeLessThanOrEqual(8);
  });
});

/** Zalo OA with its own limit, through the same limiter: every call counted by the fake, one refused for its token too. */
describe.each(databaseKinds)("strict pacing on Zalo OA (%s)", (kind) => {
  const OA_LIMIT = 8;
  let database: Database;
  let fake: FakeZaloOaProcess;
  let oa: ChannelAdapter;
  let base = 8_000_000;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    fake = await startFakeZaloOaProcess();
    oa = oaAdapterOnFake(database.db, fake, {
      // A -32 (none expected) tried again a second later: the test then ends and says so.
      throttleRetryMs: 1_000,
      // As deployed (the worker hands the adapter each person's window, read with the claim; this is the fallback).
      lastInteraction: dbLastInteraction(database.db),
    });
    await loadFakeOaToken(database.db, fake);
  });
  afterAll(async () => {
    await fake?.close();
    await database?.close();
  });

  /** `count` residents on Zalo OA who wrote to the OA just now; their external ids. */
  async function residents(count: number, unit: string): Promise<string[]> {
    base += 10_000;
    await seedSubscribers(database.db, { count, units: [unit], channel: "zalo-oa", base });
    const ids = Array.from({ length: count }, (_, i) => String(base + i));
    await fake.interacted(ids);
    return ids;
  }
  const worker = () => workerAt(database.db, oa, OA_LIMIT);

  it("a 100-recipient broadcast at 8/s: no -32 from a strict platform, everyone gets it once", async () => {
    const unit = (await someUnits(database.db, 3))[0]!;
    const ids = await residents(100, unit);
    const draftId = await insertDraft(database.db, { units: [unit] });
    const before = await freshWindow(fake, OA_LIMIT);
    const ref = await database.db.transaction((tx) => broadcaster.draftPublished(tx, draftId, "test"));
    expect(ref!.recipients).toBe(100);

    await worker().drain();

    expect(await stateCounts(database.db, ref!.broadcastId)).toEqual({ sent: 100 });
    const { sent, refused, maxInWindow } = await fake.state();
    const mine = sent.slice(before);
    expect(mine.map((m) => m.userId).sort()).toEqual([...ids].sort());
    expect(refused).toBe(0);
    expect(maxInWindow).toBeLessThanOrEqual(OA_LIMIT);
  });

  it("the access token expires mid-broadcast: the refused call and its retry each take a slot; no -32, everyone once", async () => {
    // A commune of its own: the broadcast reaches only this test's residents.
    const unit = (await someUnits(database.db, 3))[1]!;
    const ids = await residents(40, unit);
    const draftId = await insertDraft(database.db, { units: [unit] });
    const before = await freshWindow(fake, OA_LIMIT);
    const ref = await database.db.transaction((tx) => broadcaster.draftPublished(tx, draftId, "test"));
    const refreshesBefore = (await fake.state()).refreshCalls;
    // Two seconds in, the window full: the next call is answered -220, the adapter refreshes and calls again.
    const expiry = setTimeout(() => void fake.expireAccessToken(), 2_000);

    await worker().drain();
    clearTimeout(expiry);

    expect(await stateCounts(database.db, ref!.broadcastId)).toEqual({ sent: 40 });
    const state = await fake.state();
    watchSecret(state.accessToken);
    watchSecret(state.refreshToken);
    expect(state.refreshCalls - refreshesBefore).toBe(1);
    expect(state.sent.slice(before).map((m) => m.userId).sort()).toEqual([...ids].sort());
    expect(state.refused).toBe(0);
    expect(state.maxInWindow).toBeLessThanOrEqual(OA_LIMIT);
  });

  it("replies in three parts at 8/s: a slot per part, no -32, every part once and in order", async () => {
    const unit = (await someUnits(database.db, 3))[2]!;
    const ids = await residents(12, unit);
    const people = await queryRows<{ id: string; external_id: string }>(database.db, sql`
      select id, external_id from subscribers where channel = 'zalo-oa' and external_id = any(${`{${ids.join(",")}}`}::text[])`);
    // Over 4,000 characters: a Zalo OA message takes at most 2,000, so each reply goes in three calls.
    const long = Array.from({ length: 450 }, (_, i) => `Đoạn ${i + 1}.`).join(" ");
    expect(long.length).toBeGreaterThan(4000);
    await enqueue(database.db, people.map((p) => ({ subscriberId: p.id, channel: "zalo-oa", kind: "reply", message: { text: long }, priority: PRIORITY_REPLY })));
    const before = await freshWindow(fake, OA_LIMIT);

    await worker().drain();

    const { sent, refused, maxInWindow } = await fake.state();
    const mine = sent.slice(before).filter((m) => ids.includes(m.userId));
    expect(mine).toHaveLength(36);
    for (const id of ids) expect(mine.filter((m) => m.userId === id).map((m) => m.text).join(" ").replace(/\s+/g, " ")).toBe(long);
    expect(refused).toBe(0);
    expect(maxInWindow).toBeLessThanOrEqual(OA_LIMIT);
  });
});
