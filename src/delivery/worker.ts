import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client.js";
import type { ChannelAdapter } from "../channels/adapter.js";
import type { OutboundMessage } from "../channels/message.js";
import type { Throttled } from "../channels/errors.js";
import { isSendError } from "../channels/errors.js";
import { PRIORITY_BULK, PRIORITY_REPLY } from "../db/schema/index.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { createRateLimiter, LimiterClosed, type PacingOptions, type RateLimiter } from "./rate-limiter.js";
import { extendLeases, reclaimExpiredLeases, recordOutcomes, type Outcome } from "./outcomes.js";

export interface DeliveryWorkerOptions {
  db: Db;
  adapters: ChannelAdapter[];
  logger: Logger;
  metrics: Metrics;
  /** Sends per second per channel name; 0 or missing = unlimited. */
  rates?: Partial<Record<string, number>>;
  /** w12 pacing: per channel name, the limiter's margin and per-recipient interval (see rate-limiter.ts). */
  pacing?: Partial<Record<string, PacingOptions>>;
  /** Sends in flight per channel (default: enough for the rate at 250 ms of API latency). */
  concurrency?: number;
  /** Largest claim (default: half a second of sends at the channel's rate, 10…1000; 1000 when unlimited). */
  batchSize?: number;
  leaseMs?: number;
  maxAttempts?: number;
  idlePollMs?: number;
  /** First retry delay for transient failures; doubles per attempt, with ±25 % jitter, up to retryMaxMs. */
  retryBaseMs?: number;
  /** How long a channel pauses after a Config error (bad token, API not granted) before trying again. */
  configPauseMs?: number;
  retryMaxMs?: number;
  /** Outcomes are written in groups of up to flushSize, at most flushMs after the first one waits. */
  flushSize?: number;
  flushMs?: number;
  /** Largest group written in one statement when outcomes pile up (default 1000). */
  flushMaxSize?: number;
  /** Least interval between two refreshes of the queue-depth gauge per channel (default 2000 ms). */
  queueDepthEveryMs?: number;
  // [quiet-hours] Whether bulk rows may be claimed now (false in quiet hours; replies always go). Default: always.
  bulkAllowed?: () => boolean;
}

export interface DeliveryWorker {
  start(): Promise<void>;
  /** Stop claiming, wait for in-flight sends to finish and be recorded, give back what was not sent. */
  stop(): Promise<void>;
  /** Wake the loop now (after an enqueue); replies are claimed ahead of buffered bulk. */
  kick(): void;
  /** Process until nothing is due; resolves with how many deliveries were processed (tests). */
  drain(): Promise<number>;
}

interface ClaimedRow {
  id: number;
  subscriber_id: string;
  external_id: string;
  /** The subscriber's status at claim time: bulk to a stopped or gone subscriber is not sent. */
  status: string;
  kind: string;
  message: OutboundMessage;
  attempts: number;
  priority: number;
  error_detail: string | null;
  /** Which claim of this worker brought the row in (see `gone`). */
  claimSeq?: number;
}

interface Lane {
  channel: string;
  adapter: ChannelAdapter;
  limiter: RateLimiter;
  concurrency: number;
  claimSize: number;
  buffer: ClaimedRow[];
  inFlight: number;
  /** Subscribers with a message in flight on this lane (per-person order). */
  busy: Set<string>;
  claiming: boolean;
  /** The last claim found nothing due: wait for a kick or the idle poll. */
  exhausted: boolean;
  /** Kicked since the current claim began (its snapshot may predate the rows the kick is for). */
  kicked: boolean;
  /** When the queue-depth gauge was last refreshed (performance.now()). */
  depthAt: number;
  /** Pre-labelled counters (prom-client's label lookup costs more than the increment). */
  count: Record<"sent" | "failed" | "retried" | "throttled" | "outside_window", { inc(): void }>;
  urgent: boolean;
  wakeDispatcher: (() => void) | null;
  wakeClaimer: (() => void) | null;
  dispatcher: Promise<void> | null;
  claimer: Promise<void> | null;
}

/**
 * The sender: per channel, a claimer keeps a small buffer of leased deliveries (FOR UPDATE SKIP LOCKED,
 * highest priority first), a dispatcher sends them through the channel's rate limiter with bounded
 * concurrency, and outcomes are written back in small batches. Errors from the closed SendError set
 * become states here (design.md §7). Memory stays bounded: a lane holds at most two claims of rows.
 */
export function createDeliveryWorker(opts: DeliveryWorkerOptions): DeliveryWorker {
  const { db, metrics } = opts;
  const logger = opts.logger.child({ component: "delivery" });
  const leaseMs = opts.leaseMs ?? 60_000;
  const maxAttempts = opts.maxAttempts ?? 8;
  const idlePollMs = opts.idlePollMs ?? 1000;
  const retryBaseMs = opts.retryBaseMs ?? 2000;
  const configPauseMs = opts.configPauseMs ?? 60_000;
  const retryMaxMs = opts.retryMaxMs ?? 10 * 60_000;
  const flushSize = opts.flushSize ?? 100;
  const flushMs = opts.flushMs ?? 10;
  /** A backlog of outcomes (sends outpacing writes) is written in bigger groups: fewer round trips. */
  const flushMax = Math.max(flushSize, opts.flushMaxSize ?? 1000);
  /**
   * Backpressure: sends wait while this many outcomes are not yet written. It bounds memory when the
   * database is slower than the platform, and what a crash could send twice (unwritten outcomes go back
   * to the queue with their lease).
   */
  const maxUnwritten = 2 * flushMax;
  const depthEveryMs = opts.queueDepthEveryMs ?? 2000;
  const owner = randomUUID();

  let running = false;
  let processed = 0;
  const pending: Outcome[] = [];
  /**
   * Recipients found gone during this run, with the last claim made by then: their rows from that claim or
   * before are failed without a send. Rows claimed later are sent: the claim reads the person's status, and a
   * person who came back (/start after unblocking) must get messages again.
   */
  const gone = new Map<string, number>();
  let claims = 0;
  let flushing: Promise<void> | null = null;
  let flushTimer: NodeJS.Timeout | null = null;
  let reclaimTimer: NodeJS.Timeout | null = null;

  const lanes: Lane[] = opts.adapters.map((adapter) => {
    const rate = opts.rates?.[adapter.name] ?? 0;
    const unlimited = !rate || !Number.isFinite(rate);
    const concurrency = opts.concurrency ?? (unlimited ? 64 : Math.min(512, Math.max(4, Math.ceil(rate / 4))));
    const claimSize = opts.batchSize ?? (unlimited ? 1000 : Math.min(1000, Math.max(10, Math.ceil(rate / 2))));
    return {
      channel: adapter.name,
      adapter,
      limiter: createRateLimiter({ ...opts.pacing?.[adapter.name], ratePerSecond: rate }), // w12 pacing
      concurrency,
      claimSize,
      buffer: [],
      inFlight: 0,
      busy: new Set(),
      kicked: false,
      claiming: false,
      exhausted: false,
      depthAt: -Infinity,
      count: {
        sent: metrics.deliveries.labels({ channel: adapter.name, outcome: "sent" }),
        failed: metrics.deliveries.labels({ channel: adapter.name, outcome: "failed" }),
        retried: metrics.deliveries.labels({ channel: adapter.name, outcome: "retried" }),
        throttled: metrics.deliveries.labels({ channel: adapter.name, outcome: "throttled" }),
        outside_window: metrics.deliveries.labels({ channel: adapter.name, outcome: "outside_window" }),
      },
      urgent: false,
      wakeDispatcher: null,
      wakeClaimer: null,
      dispatcher: null,
      claimer: null,
    };
  });

  // ---- outcomes ---------------------------------------------------------------------------------

  function record(o: Outcome) {
    pending.push(o);
    if (pending.length >= flushSize) void flush();
    else flushTimer ??= setTimeout(() => void flush(), flushMs);
  }

  function flush(): Promise<void> {
    if (flushTimer) {
      clearTimeout(flushTimer);
      flushTimer = null;
    }
    if (flushing) return flushing;
    if (!pending.length) return Promise.resolve();
    flushing = (async () => {
      while (pending.length) {
        const group = pending.splice(0, flushMax);
        try {
          await recordOutcomes(db, owner, group);
          processed += group.length;
          if (pending.length < maxUnwritten) for (const lane of lanes) lane.wakeDispatcher?.();
        } catch (err) {
          // Keep them: the rows stay leased to us; retry shortly (after a crash the lease expires).
          logger.error("could not record delivery outcomes; retrying", { err, count: group.length });
          pending.unshift(...group);
          await sleep(500);
          if (!running && !lanes.some((l) => l.inFlight)) {
            // Stopping and the database is gone: leases will expire and the rows return to the queue.
            pending.length = 0;
          }
        }
      }
    })().finally(() => {
      flushing = null;
    });
    return flushing;
  }

  // ---- claiming -----------------------------------------------------------------------------------

  /**
   * Lease up to `limit` due deliveries in one statement. The recipient's address and status come from
   * index lookups per claimed row (scalar subqueries): a join here lets the planner hash whole tables on
   * every claim once they hold tens of thousands of rows.
   */
  async function claim(lane: Lane, limit: number, repliesOnly: boolean): Promise<ClaimedRow[]> {
    const lease = `${leaseMs} milliseconds`;
    // The queue's statistics are stale right after a broadcast enqueues thousands of rows (and the
    // distribution moves as it is sent): without sorts the planner walks the ready index in claim
    // order and stops at the limit, instead of fetching and sorting every queued row per claim.
    return db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_sort = off`);
      return queryRows<ClaimedRow>(tx, sql`
      with due as (
        select id from deliveries
        where state = 'queued' and next_attempt_at <= now() and channel = ${lane.channel}
          ${repliesOnly || !(opts.bulkAllowed?.() ?? true) /* [quiet-hours] */ ? sql`and priority < ${PRIORITY_BULK}` : sql``}
        order by priority, next_attempt_at, id
        limit ${limit}
        for update skip locked
      )
      update deliveries d set
        state = 'sending',
        lease_until = now() + ${lease}::interval,
        leased_by = ${owner},
        attempts = d.attempts + 1
      from due
      where d.id = due.id
      returning d.id, d.subscriber_id,
        (select s.external_id from subscribers s where s.id = d.subscriber_id) as external_id,
        (select s.status from subscribers s where s.id = d.subscriber_id) as status,
        d.kind, d.message, d.attempts, d.priority, d.error_detail`);
    });
  }

  /** Bulk to a person who stopped (replies still go) or whose account is gone is failed, not sent. */
  const skipped = (row: ClaimedRow) => row.status === "gone" || (row.status === "stopped" && row.priority > PRIORITY_REPLY);

  async function claimInto(lane: Lane, repliesOnly: boolean): Promise<number> {
    const room = repliesOnly ? 20 : lane.claimSize * 2 - lane.buffer.length;
    if (room <= 0) return 0;
    const claimSeq = ++claims;
    const rows = await claim(lane, Math.min(room, repliesOnly ? 20 : lane.claimSize), repliesOnly);
    const replies: ClaimedRow[] = [];
    for (const row of rows) {
      row.claimSeq = claimSeq;
      if (skipped(row)) {
        record({ id: row.id, subscriberId: row.subscriber_id, state: "failed", attemptDelta: -1, errorKind: "stopped", errorDetail: `subscriber ${row.status}` });
        lane.count.failed.inc();
        continue;
      }
      if (row.priority < PRIORITY_BULK) replies.push(row);
      else lane.buffer.push(row);
    }
    if (replies.length) {
      // Replies go ahead of bulk, but after replies already waiting: a person's replies keep their order.
      const firstBulk = lane.buffer.findIndex((r) => r.priority >= PRIORITY_BULK);
      lane.buffer.splice(firstBulk < 0 ? lane.buffer.length : firstBulk, 0, ...replies);
    }
    if (lane.buffer.length) lane.wakeDispatcher?.();
    return rows.length;
  }

  /** Refresh the Prometheus queue-depth gauge, at most every depthEveryMs per channel (one count). */
  async function refreshDepth(lane: Lane) {
    const t = performance.now();
    if (t - lane.depthAt < depthEveryMs) return;
    lane.depthAt = t;
    try {
      const [r] = await queryRows<{ n: number }>(db, sql`
        select count(*)::int as n from deliveries where state = 'queued' and channel = ${lane.channel}`);
      metrics.queueDepth.set({ channel: lane.channel }, r?.n ?? 0);
    } catch (err) {
      if (running) logger.warn("could not count the delivery queue", { channel: lane.channel, err });
    }
  }

  async function claimerLoop(lane: Lane) {
    while (running) {
      try {
        await refreshDepth(lane);
        if (lane.urgent && lane.buffer.length >= lane.claimSize) {
          lane.urgent = false;
          await claimInto(lane, true);
        }
        if (lane.buffer.length <= lane.claimSize) {
          lane.urgent = false;
          lane.claiming = true;
          lane.kicked = false;
          const n = await claimInto(lane, false);
          lane.claiming = false;
          // A kick during the claim may be for rows the claim could not see yet: claim again at once.
          lane.exhausted = n === 0 && !lane.kicked;
          if (n > 0 || lane.kicked) continue;
          await waitFor(lane, "claimer", idlePollMs);
        } else {
          // Enough buffered: wait until the dispatcher drains below the low-water mark (or a kick).
          await waitFor(lane, "claimer", idlePollMs);
        }
      } catch (err) {
        lane.claiming = false;
        if (!running) break;
        logger.error("claiming deliveries failed", { channel: lane.channel, err });
        await waitFor(lane, "claimer", idlePollMs);
      }
    }
  }

  // ---- sending --------------------------------------------------------------------------------------

  async function dispatcherLoop(lane: Lane) {
    while (running) {
      if (!lane.buffer.length || lane.inFlight >= lane.concurrency || pending.length >= maxUnwritten) {
        await waitFor(lane, "dispatcher", idlePollMs);
        continue;
      }
      try {
        if (!lane.limiter.tryAcquire()) await lane.limiter.acquire();
      } catch (err) {
        if (err instanceof LimiterClosed) break;
        throw err;
      }
      // One message at a time per person, in queue order: a reply must not overtake the one before it.
      const next = lane.buffer.findIndex((r) => !lane.busy.has(r.subscriber_id));
      if (next < 0) {
        await waitFor(lane, "dispatcher", idlePollMs);
        continue;
      }
      const [row] = lane.buffer.splice(next, 1);
      if (!row) continue;
      const goneAt = gone.get(row.subscriber_id);
      if (goneAt !== undefined && (row.claimSeq ?? 0) <= goneAt) {
        record({ id: row.id, subscriberId: row.subscriber_id, state: "failed", errorKind: "recipient_gone", errorDetail: "recipient gone (an earlier message was refused)" });
        lane.count.failed.inc();
        continue;
      }
      if (!running) {
        lane.buffer.unshift(row);
        break;
      }
      lane.inFlight++;
      lane.busy.add(row.subscriber_id);
      void sendOne(lane, row).finally(() => {
        lane.inFlight--;
        lane.wakeDispatcher?.();
        // w12 pacing: the person's next message waits for the channel's per-recipient interval.
        lane.limiter.settled(() => {
          lane.busy.delete(row.subscriber_id);
          lane.wakeDispatcher?.();
        });
      });
      if (lane.buffer.length <= lane.claimSize / 2 || lane.buffer.length === 0) lane.wakeClaimer?.();
    }
  }

  async function sendOne(lane: Lane, row: ClaimedRow): Promise<void> {
    const { channel } = lane;
    try {
      const result = await lane.adapter.send({ subscriberId: row.subscriber_id, externalId: row.external_id }, row.message, { kind: row.kind });
      record({ id: row.id, subscriberId: row.subscriber_id, state: "sent", externalId: result.externalId });
      lane.count.sent.inc();
      return;
    } catch (err) {
      const base = { id: row.id, subscriberId: row.subscriber_id };
      if (!isSendError(err)) {
        logger.error("adapter threw something outside the SendError set", { channel, err });
        return retryOrFail(lane, row, "transient", `unexpected: ${String((err as Error)?.message ?? err)}`.slice(0, 500));
      }
      switch (err.kind) {
        case "throttled": {
          const ms = (err as Throttled).retryAfterMs;
          lane.count.throttled.inc();
          logger.warn("channel throttled by the platform; pausing", { channel, retryAfterMs: ms });
          lane.limiter.pause(ms);
          if (ms > leaseMs / 2) {
            // A long pause: give every buffered row back to the queue rather than hold leases through it.
            for (const r of [row, ...lane.buffer.splice(0)]) {
              record({ id: r.id, subscriberId: r.subscriber_id, state: "queued", retryInMs: ms, attemptDelta: -1, errorKind: "throttled", errorDetail: err.detail });
            }
          } else {
            // Tried again under the same claim: the claim's attempt goes to that try, the throttled one is not
            // counted (it used to be subtracted as well, which left a sent row at 0 attempts, and a row
            // throttled before each transient failure was retried for ever).
            lane.buffer.unshift(row);
            lane.wakeDispatcher?.();
          }
          return;
        }
        case "transient":
          return retryOrFail(lane, row, "transient", err.detail);
        case "recipient_gone":
          if (gone.size > 50_000) gone.clear();
          gone.set(row.subscriber_id, claims);
          record({ ...base, state: "failed", errorKind: "recipient_gone", errorDetail: err.detail });
          lane.count.failed.inc();
          return;
        case "outside_window":
          record({ ...base, state: "outside_window", errorKind: "outside_window", errorDetail: err.detail });
          lane.count.outside_window.inc();
          return;
        case "config": {
          // Our configuration is wrong (token revoked, API not granted): no message on this channel can go, and
          // failing them all would lose them. Pause the channel and give everything back until it is fixed.
          logger.error("channel configuration error; pausing the channel", { channel, detail: err.detail, pauseMs: configPauseMs });
          lane.limiter.pause(configPauseMs);
          for (const r of [row, ...lane.buffer.splice(0)]) {
            record({ id: r.id, subscriberId: r.subscriber_id, state: "queued", retryInMs: configPauseMs, attemptDelta: -1, errorKind: "config", errorDetail: err.detail });
          }
          return;
        }
        default:
          record({ ...base, state: "failed", errorKind: err.kind, errorDetail: err.detail });
          lane.count.failed.inc();
      }
    }
  }

  function retryOrFail(lane: Lane, row: ClaimedRow, kind: string, detail: string) {
    const base = { id: row.id, subscriberId: row.subscriber_id, errorKind: kind, errorDetail: detail };
    const attempts = row.attempts;
    if (attempts >= maxAttempts) {
      record({ ...base, state: "failed" });
      lane.count.failed.inc();
    } else {
      const delay = Math.min(retryMaxMs, retryBaseMs * 2 ** (attempts - 1)) * (0.75 + Math.random() * 0.5);
      record({ ...base, state: "queued", retryInMs: delay });
      lane.count.retried.inc();
    }
  }

  // ---- waiting ----------------------------------------------------------------------------------

  function waitFor(lane: Lane, who: "claimer" | "dispatcher", ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        if (who === "claimer") lane.wakeClaimer = null;
        else lane.wakeDispatcher = null;
        resolve();
      };
      const t = setTimeout(done, ms);
      if (who === "claimer") lane.wakeClaimer = done;
      else lane.wakeDispatcher = done;
    });
  }

  async function reclaim() {
    try {
      // Our own rows first: a send slower than the lease (or rows held through a throttle pause) must not
      // return to the queue and go out a second time.
      if (running) await extendLeases(db, owner, leaseMs);
      const n = await reclaimExpiredLeases(db);
      if (n) {
        logger.warn("deliveries whose lease expired went back to the queue", { count: n });
        for (const lane of lanes) lane.wakeClaimer?.();
      }
    } catch (err) {
      if (running) logger.error("reclaiming expired leases failed", { err });
    }
  }

  function idle(): boolean {
    return !pending.length && !flushing && lanes.every((l) => !l.buffer.length && !l.inFlight && !l.claiming && l.exhausted);
  }

  async function start() {
    if (running) return;
    running = true;
    await reclaim();
    reclaimTimer = setInterval(() => void reclaim(), Math.max(1000, Math.floor(leaseMs / 4)));
    reclaimTimer.unref();
    for (const lane of lanes) {
      lane.limiter = createRateLimiter({ ...opts.pacing?.[lane.channel], ratePerSecond: lane.limiter.ratePerSecond }); // w12 pacing
      lane.exhausted = false;
      lane.claimer = claimerLoop(lane);
      lane.dispatcher = dispatcherLoop(lane);
    }
  }

  async function stop() {
    if (!running) return;
    running = false;
    if (reclaimTimer) clearInterval(reclaimTimer);
    for (const lane of lanes) {
      lane.wakeClaimer?.();
      lane.wakeDispatcher?.();
      lane.limiter.close();
    }
    await Promise.all(lanes.flatMap((l) => [l.claimer ?? Promise.resolve(), l.dispatcher ?? Promise.resolve()]));
    while (lanes.some((l) => l.inFlight)) await sleep(5);
    // What was claimed but not sent goes back to the queue at once (attempt not counted).
    for (const lane of lanes) {
      for (const r of lane.buffer.splice(0)) {
        pending.push({ id: r.id, subscriberId: r.subscriber_id, state: "queued", retryInMs: 0, attemptDelta: -1, errorKind: null, errorDetail: r.error_detail });
      }
    }
    await flush();
    await flushing;
  }

  return {
    start,
    stop,
    kick() {
      for (const lane of lanes) {
        lane.urgent = true;
        lane.kicked = true;
        lane.exhausted = false;
        lane.wakeClaimer?.();
      }
    },
    async drain() {
      const wasRunning = running;
      const before = processed;
      if (!wasRunning) await start();
      for (const lane of lanes) {
        lane.kicked = true;
        lane.exhausted = false;
        lane.wakeClaimer?.();
      }
      // Idle (every lane's last claim, begun after this call, found nothing) twice in a row, 20 ms apart.
      let quiet = 0;
      while (quiet < 2) {
        await sleep(quiet ? 20 : 5);
        quiet = idle() ? quiet + 1 : 0;
      }
      if (!wasRunning) await stop();
      return processed - before;
    },
  };
}

function sleep(ms: number) {
  return new Promise<void>((r) => setTimeout(r, ms));
}
