import { randomUUID } from "node:crypto";
import type { Db } from "../db/client.js";
import type { ChannelAdapter, SendPacing } from "../channels/adapter.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { createRateLimiter, LimiterClosed, type PacingOptions, type SendGrant } from "./rate-limiter.js";
import { claimDue, countQueued, notToBeSent, recipientOf, type ClaimedRow } from "./claim.js";
import { classify, type SendOutcome } from "./classify.js";
import { createOutcomeWriter, sleep } from "./flush.js";
import { addToBuffer, beginSend, claimRoom, createLane, endSend, takeNext, waitFor, type Lane } from "./lanes.js";
import { createLeaseKeeper } from "./reclaim.js";

export interface DeliveryWorkerOptions {
  db: Db;
  adapters: ChannelAdapter[];
  logger: Logger;
  metrics: Metrics;
  /** Sends per second per channel name; 0 or missing = unlimited. */
  rates?: Partial<Record<string, number>>;
  /** Per channel name, the limiter's pacing: safety margin and per-recipient interval (see rate-limiter.ts). */
  pacing?: Partial<Record<string, PacingOptions>>;
  /** Sends in flight per channel (default: enough for the rate at 250 ms of API latency). */
  concurrency?: number;
  /** Largest claim (default: a tenth of a second of sends at the channel's rate, 10…1000; 1000 when unlimited). */
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
  /** Whether bulk rows may be claimed now (false in quiet hours; replies always go). Default: always. */
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

/**
 * The sender, assembled from named parts (see docs/architecture.md, "Delivery worker"):
 * - claim (./claim.ts): lease due deliveries, highest priority first, FOR UPDATE SKIP LOCKED;
 * - lanes (./lanes.ts): per channel, a buffer of at most two claims sent in queue order, one message at a
 *   time per person, through the channel's rate limiter with bounded concurrency;
 * - classify (./classify.ts): a failed send's closed SendError → what to do next (pure);
 * - flush (./flush.ts): outcomes written back in small batches, with backpressure;
 * - reclaim (./reclaim.ts): our leases renewed, expired ones given back to the queue.
 * This file runs the claimer and dispatcher loops of each lane and applies the outcomes.
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
  const depthEveryMs = opts.queueDepthEveryMs ?? 2000;
  const owner = randomUUID();

  let running = false;
  let processed = 0;
  /**
   * Recipients found gone during this run, with the last claim made by then: their rows from that claim or
   * before are failed without a send. Rows claimed later are sent: the claim reads the person's status, and a
   * person who came back (/start after unblocking) must get messages again.
   */
  const gone = new Map<string, number>();
  let claims = 0;

  const lanes: Lane[] = opts.adapters.map((adapter) =>
    createLane(adapter, { rate: opts.rates?.[adapter.name], pacing: opts.pacing?.[adapter.name], concurrency: opts.concurrency, batchSize: opts.batchSize }, metrics),
  );

  const outcomes = createOutcomeWriter({
    db,
    owner,
    logger,
    flushSize: opts.flushSize ?? 100,
    flushMs: opts.flushMs ?? 10,
    flushMaxSize: opts.flushMaxSize ?? 1000,
    onWritten(count, belowBackpressure) {
      processed += count;
      if (belowBackpressure) for (const lane of lanes) lane.wakeDispatcher?.();
    },
    abandon: () => !running && !lanes.some((l) => l.inFlight),
  });
  const record = outcomes.record;

  const leases = createLeaseKeeper({
    db,
    owner,
    leaseMs,
    logger,
    running: () => running,
    onReclaimed: () => {
      for (const lane of lanes) lane.wakeClaimer?.();
    },
  });

  // ---- claiming -----------------------------------------------------------------------------------

  async function claimInto(lane: Lane, repliesOnly: boolean): Promise<number> {
    const limit = claimRoom(lane, repliesOnly);
    if (limit <= 0) return 0;
    const claimSeq = ++claims;
    // Quiet hours: bulk waits, replies go.
    const rows = await claimDue(db, {
      channel: lane.channel, limit, repliesOnly: repliesOnly || !(opts.bulkAllowed?.() ?? true), owner, leaseMs,
      withWindow: lane.adapter.recipientWindow === true,
    });
    const toSend: ClaimedRow[] = [];
    for (const row of rows) {
      row.claimSeq = claimSeq;
      if (notToBeSent(row)) {
        record({ id: row.id, subscriberId: row.subscriber_id, state: "failed", attemptDelta: -1, errorKind: "stopped", errorDetail: `subscriber ${row.status}` });
        lane.count.failed.inc();
      } else {
        toSend.push(row);
      }
    }
    addToBuffer(lane, toSend);
    if (lane.buffer.length) lane.wakeDispatcher?.();
    return rows.length;
  }

  /** Refresh the Prometheus queue-depth gauge, at most every depthEveryMs per channel (one count). */
  async function refreshDepth(lane: Lane) {
    const t = performance.now();
    if (t - lane.depthAt < depthEveryMs) return;
    lane.depthAt = t;
    try {
      metrics.queueDepth.set({ channel: lane.channel }, await countQueued(db, lane.channel));
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
        }
        // Nothing due, or enough buffered: wait until the dispatcher drains below the low-water mark (or a kick).
        await waitFor(lane, "claimer", idlePollMs);
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
      if (!lane.buffer.length || lane.inFlight >= lane.concurrency || outcomes.backlogged()) {
        await waitFor(lane, "dispatcher", idlePollMs);
        continue;
      }
      let grant: SendGrant;
      try {
        grant = lane.limiter.tryAcquire() ?? (await lane.limiter.acquire());
      } catch (err) {
        if (err instanceof LimiterClosed) break;
        throw err;
      }
      // One message at a time per person, in queue order: a reply must not overtake the one before it.
      const row = takeNext(lane);
      if (!row) {
        await waitFor(lane, "dispatcher", idlePollMs);
        continue;
      }
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
      beginSend(lane, row);
      void sendOne(lane, row, grant).finally(() => endSend(lane, row));
      if (lane.buffer.length <= lane.claimSize / 2 || lane.buffer.length === 0) lane.wakeClaimer?.();
    }
  }

  /** The send's pacing: the platform call written counts from then; each further call takes a slot of its own. */
  function pacingFor(lane: Lane, first: SendGrant): SendPacing {
    let grant = first;
    return {
      written: () => grant.written(),
      answered: () => grant.answered(),
      another: async () => {
        grant = lane.limiter.tryAcquire() ?? (await lane.limiter.acquire());
      },
    };
  }

  async function sendOne(lane: Lane, row: ClaimedRow, grant: SendGrant): Promise<void> {
    try {
      const meta = { kind: row.kind, pacing: pacingFor(lane, grant) };
      const result = await lane.adapter.send(recipientOf(row), row.message, meta);
      record({ id: row.id, subscriberId: row.subscriber_id, state: "sent", externalId: result.externalId });
      lane.count.sent.inc();
    } catch (err) {
      // The worker stopping while a message in parts waited for its next slot: tried again later.
      const outcome: SendOutcome = err instanceof LimiterClosed ? { kind: "retry", detail: "stopped between the parts of a message", unexpected: false } : classify(err);
      if (outcome.kind === "retry" && outcome.unexpected) {
        logger.error("adapter threw something outside the SendError set", { channel: lane.channel, err });
      }
      apply(lane, row, outcome);
    }
  }

  /** Turn a failed send's outcome into the delivery's next state (and the channel's, for pauses). */
  function apply(lane: Lane, row: ClaimedRow, outcome: SendOutcome): void {
    const { channel } = lane;
    const base = { id: row.id, subscriberId: row.subscriber_id };
    switch (outcome.kind) {
      case "throttle": {
        const ms = outcome.retryAfterMs;
        lane.count.throttled.inc();
        logger.warn("channel throttled by the platform; pausing", { channel, retryAfterMs: ms });
        lane.limiter.pause(ms);
        if (ms > leaseMs / 2) {
          // A long pause: give every buffered row back to the queue rather than hold leases through it.
          giveBack(lane, row, ms, "throttled", outcome.detail);
        } else {
          // Tried again under the same claim: the claim's attempt goes to that try, the throttled one is not
          // counted (it used to be subtracted as well, which left a sent row at 0 attempts, and a row
          // throttled before each transient failure was retried for ever).
          lane.buffer.unshift(row);
          lane.wakeDispatcher?.();
        }
        return;
      }
      case "retry":
        return retryOrFail(lane, row, outcome.detail);
      case "recipient_gone":
        if (gone.size > 50_000) gone.clear();
        gone.set(row.subscriber_id, claims);
        record({ ...base, state: "failed", errorKind: "recipient_gone", errorDetail: outcome.detail });
        lane.count.failed.inc();
        return;
      case "outside_window":
        record({ ...base, state: "outside_window", errorKind: "outside_window", errorDetail: outcome.detail });
        lane.count.outside_window.inc();
        return;
      case "pause_channel":
        // Our configuration is wrong (token revoked, API not granted): no message on this channel can go, and
        // failing them all would lose them. Pause the channel and give everything back until it is fixed.
        logger.error("channel configuration error; pausing the channel", { channel, detail: outcome.detail, pauseMs: configPauseMs });
        lane.limiter.pause(configPauseMs);
        giveBack(lane, row, configPauseMs, "config", outcome.detail);
        return;
      case "fail":
        record({ ...base, state: "failed", errorKind: outcome.errorKind, errorDetail: outcome.detail });
        lane.count.failed.inc();
    }
  }

  /** This row and every buffered one back to the queue after `ms`, their attempt not counted. */
  function giveBack(lane: Lane, row: ClaimedRow, ms: number, errorKind: string, detail: string) {
    for (const r of [row, ...lane.buffer.splice(0)]) {
      record({ id: r.id, subscriberId: r.subscriber_id, state: "queued", retryInMs: ms, attemptDelta: -1, errorKind, errorDetail: detail });
    }
  }

  function retryOrFail(lane: Lane, row: ClaimedRow, detail: string) {
    const base = { id: row.id, subscriberId: row.subscriber_id, errorKind: "transient", errorDetail: detail };
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

  // ---- life cycle -----------------------------------------------------------------------------------

  function idle(): boolean {
    return outcomes.idle() && lanes.every((l) => !l.buffer.length && !l.inFlight && !l.claiming && l.exhausted);
  }

  async function start() {
    if (running) return;
    running = true;
    await leases.reclaim();
    leases.start();
    for (const lane of lanes) {
      lane.limiter = createRateLimiter({ ...opts.pacing?.[lane.channel], ratePerSecond: lane.limiter.ratePerSecond });
      lane.exhausted = false;
      lane.claimer = claimerLoop(lane);
      lane.dispatcher = dispatcherLoop(lane);
    }
  }

  async function stop() {
    if (!running) return;
    running = false;
    leases.stop();
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
        record({ id: r.id, subscriberId: r.subscriber_id, state: "queued", retryInMs: 0, attemptDelta: -1, errorKind: null, errorDetail: r.error_detail });
      }
    }
    await outcomes.flush();
  }

  function wakeClaimers(urgent: boolean) {
    for (const lane of lanes) {
      if (urgent) lane.urgent = true;
      lane.kicked = true;
      lane.exhausted = false;
      lane.wakeClaimer?.();
    }
  }

  return {
    start,
    stop,
    kick: () => wakeClaimers(true),
    async drain() {
      const wasRunning = running;
      const before = processed;
      if (!wasRunning) await start();
      wakeClaimers(false);
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
