import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client.js";
import type { ChannelAdapter } from "../channels/adapter.js";
import type { OutboundMessage } from "../channels/message.js";
import { isSendError, type Throttled } from "../channels/errors.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";

export interface DeliveryWorkerOptions {
  db: Db;
  adapters: ChannelAdapter[];
  logger: Logger;
  metrics: Metrics;
  batchSize?: number;
  leaseMs?: number;
  maxAttempts?: number;
  idlePollMs?: number;
}

export interface DeliveryWorker {
  start(): Promise<void>;
  /** Stop claiming, wait for in-flight sends to finish and be recorded. */
  stop(): Promise<void>;
  /** Wake the loop now (after an enqueue). */
  kick(): void;
  /** Process until nothing is due; resolves with how many deliveries were processed (tests). */
  drain(): Promise<number>;
}

interface ClaimedRow {
  id: number;
  subscriber_id: string;
  external_id: string;
  channel: string;
  kind: string;
  message: OutboundMessage;
  attempts: number;
}

/**
 * The sender loop: claims due deliveries with a lease, sends them through the channel's adapter and
 * turns the closed set of send errors into delivery states. (A first, simple version: one batch at a
 * time; issue 4 adds per-channel rate limits and bounded concurrency.)
 */
export function createDeliveryWorker(opts: DeliveryWorkerOptions): DeliveryWorker {
  const { db, logger, metrics } = opts;
  const batchSize = opts.batchSize ?? 50;
  const leaseMs = opts.leaseMs ?? 60_000;
  const maxAttempts = opts.maxAttempts ?? 8;
  const idlePollMs = opts.idlePollMs ?? 1000;
  const owner = randomUUID();
  const adapters = new Map(opts.adapters.map((a) => [a.name as string, a]));
  const channels = [...adapters.keys()];
  let running = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;

  async function claim(): Promise<ClaimedRow[]> {
    if (!channels.length) return [];
    return queryRows<ClaimedRow>(db, sql`
      with due as (
        select id from deliveries
        where (state = 'queued' and next_attempt_at <= now()
               or state = 'sending' and lease_until < now())
          and channel in (${sql.join(channels.map((c) => sql`${c}`), sql`, `)})
        order by priority, next_attempt_at, id
        limit ${batchSize}
        for update skip locked
      )
      update deliveries d set state = 'sending', lease_until = now() + ${`${leaseMs} milliseconds`}::interval,
        leased_by = ${owner}, attempts = d.attempts + 1
      from due, subscribers s
      where d.id = due.id and s.id = d.subscriber_id
      returning d.id, d.subscriber_id, s.external_id, d.channel, d.kind, d.message, d.attempts`);
  }

  async function finish(id: number, state: string, fields: { externalId?: string; errorKind?: string; errorDetail?: string; retryInMs?: number }) {
    if (fields.retryInMs !== undefined) {
      await db.execute(sql`update deliveries set state = 'queued', lease_until = null, leased_by = null,
        next_attempt_at = now() + ${`${fields.retryInMs} milliseconds`}::interval,
        error_kind = ${fields.errorKind ?? null}, error_detail = ${fields.errorDetail ?? null}
        where id = ${id} and leased_by = ${owner}`);
      return;
    }
    await db.execute(sql`update deliveries set state = ${state}, lease_until = null,
      external_id = ${fields.externalId ?? null}, error_kind = ${fields.errorKind ?? null},
      error_detail = ${fields.errorDetail ?? null}, sent_at = case when ${state} = 'sent' then now() else sent_at end
      where id = ${id} and leased_by = ${owner}`);
  }

  async function processRow(row: ClaimedRow): Promise<void> {
    const adapter = adapters.get(row.channel);
    if (!adapter) return;
    try {
      const result = await adapter.send({ subscriberId: row.subscriber_id, externalId: row.external_id }, row.message, { kind: row.kind });
      await finish(row.id, "sent", { externalId: result.externalId });
      metrics.deliveries.inc({ channel: row.channel, outcome: "sent" });
    } catch (err) {
      if (!isSendError(err)) {
        logger.error("adapter threw a non-SendError", { channel: row.channel, err });
        await finish(row.id, "failed", { errorKind: "permanent", errorDetail: String((err as Error).message).slice(0, 500) });
        metrics.deliveries.inc({ channel: row.channel, outcome: "failed" });
        return;
      }
      switch (err.kind) {
        case "throttled":
          await finish(row.id, "queued", { errorKind: err.kind, errorDetail: err.detail, retryInMs: (err as Throttled).retryAfterMs });
          metrics.deliveries.inc({ channel: row.channel, outcome: "throttled" });
          break;
        case "transient":
          if (row.attempts >= maxAttempts) {
            await finish(row.id, "failed", { errorKind: err.kind, errorDetail: err.detail });
            metrics.deliveries.inc({ channel: row.channel, outcome: "failed" });
          } else {
            await finish(row.id, "queued", { errorKind: err.kind, errorDetail: err.detail, retryInMs: Math.min(60_000, 500 * 2 ** row.attempts) });
            metrics.deliveries.inc({ channel: row.channel, outcome: "retried" });
          }
          break;
        case "recipient_gone":
          await finish(row.id, "failed", { errorKind: err.kind, errorDetail: err.detail });
          await db.execute(sql`update subscribers set status = 'gone', updated_at = now() where id = ${row.subscriber_id} and status <> 'stopped'`);
          metrics.deliveries.inc({ channel: row.channel, outcome: "failed" });
          break;
        case "outside_window":
          await finish(row.id, "outside_window", { errorKind: err.kind, errorDetail: err.detail });
          metrics.deliveries.inc({ channel: row.channel, outcome: "outside_window" });
          break;
        default:
          await finish(row.id, "failed", { errorKind: err.kind, errorDetail: err.detail });
          metrics.deliveries.inc({ channel: row.channel, outcome: "failed" });
      }
    }
  }

  async function runOnce(): Promise<number> {
    const rows = await claim();
    for (const row of rows) await processRow(row);
    return rows.length;
  }

  async function run() {
    while (running) {
      let n = 0;
      try {
        n = await runOnce();
      } catch (err) {
        logger.error("delivery loop error", { err });
      }
      if (n === 0 && running) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, idlePollMs);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        wake = null;
      }
    }
  }

  return {
    start() {
      if (running) return Promise.resolve();
      running = true;
      loop = run();
      return Promise.resolve();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
    kick() {
      wake?.();
    },
    async drain() {
      let total = 0;
      for (;;) {
        const n = await runOnce();
        total += n;
        if (n === 0) return total;
      }
    },
  };
}
