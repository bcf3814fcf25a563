/**
 * npm run bench (part of the delivery figures): the Zalo channels under their own limits, judged strictly on
 * arrival, as the Telegram rows are — Zalo OA at its default 50 msg/s and Zalo Bot at its default 30 msg/s,
 * 80 ms latency, each fake in a process of its own (test/fakes/zalo-*-process.ts), the product's adapter and
 * delivery worker. The held rate is read off the fake's clock (first to last accepted send).
 */
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "../src/db/client.js";
import type { Logger } from "../src/logger.js";
import { createMetrics } from "../src/metrics.js";
import { createDeliveryWorker } from "../src/delivery/worker.js";
import type { ChannelAdapter } from "../src/channels/adapter.js";
import { createZaloBotAdapter } from "../bots/zalo-bot/adapter.js";
import { createZaloBotClient } from "../bots/zalo-bot/client.js";
import { dbLastInteraction } from "../bots/zalo-oa/window.js";
import { seedSubscribers, someUnits } from "../test/support/delivery.js";
import { loadFakeOaToken, oaAdapterOnFake } from "../test/support/zalo-oa.js";
import type { ArrivalSpan } from "../test/fakes/arrival-judge.js";
import { startFakeZaloOaProcess } from "../test/fakes/zalo-oa-process.js";
import { startFakeZaloBotProcess } from "../test/fakes/zalo-bot-process.js";
import { queueBroadcast, rateOver, waitDone, type PipelineResult } from "./pipeline.js";

/** The platform's latency, as in the Telegram rows. */
const LATENCY_MS = 80;

export interface ZaloPacingResult extends PipelineResult {
  channel: "zalo-oa" | "zalo-bot";
  limit: number;
}

/** What a fake saw, and the worker run to completion over one broadcast of `n`. */
async function run(database: Database, logger: Logger, adapter: ChannelAdapter, limit: number, n: number, seen: () => Promise<{ chats: string[]; refused: number; maxInWindow: number; span: ArrivalSpan }>): Promise<Omit<ZaloPacingResult, "channel" | "limit">> {
  const id = await queueBroadcast(database, n, adapter.name);
  const metrics = createMetrics();
  const worker = createDeliveryWorker({ db: database.db, adapters: [adapter], logger, metrics, rates: { [adapter.name]: limit }, idlePollMs: 50 });
  const t0 = performance.now();
  await worker.start();
  await waitDone(database, id, metrics, n);
  const wallSeconds = (performance.now() - t0) / 1000;
  await worker.stop();
  const { chats, refused, maxInWindow, span } = await seen();
  const [failed] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from deliveries where broadcast_id = ${id} and state <> 'sent'`);
  return { sent: chats.length, rate: rateOver(span.accepted, span.first, span.last), wallSeconds, throttled: refused, notSent: failed!.n, doubled: chats.length - new Set(chats).size, maxInWindow };
}

/** Zalo OA at `limit` (its default 50/s): n residents who wrote to the OA lately, one broadcast. */
export async function benchZaloOa(database: Database, logger: Logger, o: { n: number; limit?: number }): Promise<ZaloPacingResult> {
  const limit = o.limit ?? 50;
  const fake = await startFakeZaloOaProcess();
  try {
    const base = 60_000_000;
    await seedSubscribers(database.db, { count: o.n, units: await someUnits(database.db, 10), channel: "zalo-oa", base });
    await fake.interacted(Array.from({ length: o.n }, (_, i) => String(base + i)));
    await fake.limit({ limit, mode: "strict", reset: true, latencyMs: LATENCY_MS });
    await loadFakeOaToken(database.db, fake);
    const adapter = oaAdapterOnFake(database.db, fake, { logger, lastInteraction: dbLastInteraction(database.db) });
    const r = await run(database, logger, adapter, limit, o.n, async () => {
      const s = await fake.state();
      return { chats: s.sent.map((m) => m.userId), refused: s.refused, maxInWindow: s.maxInWindow, span: s.span };
    });
    return { channel: "zalo-oa", limit, ...r };
  } finally {
    await fake.close();
  }
}

/** Zalo Bot at `limit` (its default 30/s): n residents, one broadcast. */
export async function benchZaloBot(database: Database, logger: Logger, o: { n: number; limit?: number }): Promise<ZaloPacingResult> {
  const limit = o.limit ?? 30;
  const fake = await startFakeZaloBotProcess();
  try {
    await seedSubscribers(database.db, { count: o.n, units: await someUnits(database.db, 10), channel: "zalo-bot", base: 70_000_000 });
    await fake.limit({ limit, mode: "strict", reset: true, latencyMs: LATENCY_MS });
    const adapter = createZaloBotAdapter({ client: createZaloBotClient({ apiBase: fake.url, token: fake.token }), logger, mode: "webhook", webhookSecret: "bench-secret-token" });
    const r = await run(database, logger, adapter, limit, o.n, async () => {
      const s = await fake.state();
      return { chats: s.sent.map((m) => m.chatId), refused: s.refused, maxInWindow: s.maxInWindow, span: s.span };
    });
    return { channel: "zalo-bot", limit, ...r };
  } finally {
    await fake.close();
  }
}
