import type { ChannelAdapter } from "../channels/adapter.js";
import { PRIORITY_BULK } from "../db/schema/index.js";
import type { Metrics } from "../metrics.js";
import type { ClaimedRow } from "./claim.js";
import { createRateLimiter, type PacingOptions, type RateLimiter } from "./rate-limiter.js";

export type LaneCounter = "sent" | "failed" | "retried" | "throttled" | "outside_window";

/**
 * One channel's sending state: a buffer of claimed rows in send order, the sends in flight, and the
 * people with a message in flight (one at a time per person, so a reply never overtakes the one before).
 */
export interface Lane {
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
  count: Record<LaneCounter, { inc(): void }>;
  urgent: boolean;
  wakeDispatcher: (() => void) | null;
  wakeClaimer: (() => void) | null;
  dispatcher: Promise<void> | null;
  claimer: Promise<void> | null;
}

export interface LaneSizing {
  /** Sends per second; 0 or missing = unlimited. */
  rate?: number;
  /** The limiter's pacing (safety margin, per-recipient interval). */
  pacing?: PacingOptions;
  concurrency?: number;
  batchSize?: number;
}

export function createLane(adapter: ChannelAdapter, sizing: LaneSizing, metrics: Metrics): Lane {
  const rate = sizing.rate ?? 0;
  const unlimited = !rate || !Number.isFinite(rate);
  const concurrency = sizing.concurrency ?? (unlimited ? 64 : Math.min(512, Math.max(4, Math.ceil(rate / 4))));
  // A tenth of a second of sends: on the embedded database a claim runs on the sender's thread, and at
  // 1000/s PGlite held 95.0–96.1 % of the rate with claims of half a second's sends against 96.3–96.7 % with
  // a tenth (29 November; no change on PostgreSQL, 97.0 % both ways).
  const claimSize = sizing.batchSize ?? (unlimited ? 1000 : Math.min(1000, Math.max(10, Math.ceil(rate / 10))));
  const label = (outcome: LaneCounter) => metrics.deliveries.labels({ channel: adapter.name, outcome });
  const count = { sent: label("sent"), failed: label("failed"), retried: label("retried"), throttled: label("throttled"), outside_window: label("outside_window") };
  return {
    channel: adapter.name,
    adapter,
    limiter: createRateLimiter({ ...sizing.pacing, ratePerSecond: rate }),
    concurrency,
    claimSize,
    buffer: [],
    inFlight: 0,
    busy: new Set(),
    kicked: false,
    claiming: false,
    exhausted: false,
    depthAt: -Infinity,
    count,
    urgent: false,
    wakeDispatcher: null,
    wakeClaimer: null,
    dispatcher: null,
    claimer: null,
  };
}

/** How many rows the next claim may bring in (the buffer holds at most two claims). */
export function claimRoom(lane: Lane, repliesOnly: boolean): number {
  if (repliesOnly) return 20;
  return Math.min(lane.claimSize * 2 - lane.buffer.length, lane.claimSize);
}

/** Add claimed rows in send order: replies ahead of bulk, but after replies already waiting. */
export function addToBuffer(lane: Lane, rows: ClaimedRow[]): void {
  const replies: ClaimedRow[] = [];
  for (const row of rows) {
    if (row.priority < PRIORITY_BULK) replies.push(row);
    else lane.buffer.push(row);
  }
  if (!replies.length) return;
  const firstBulk = lane.buffer.findIndex((r) => r.priority >= PRIORITY_BULK);
  lane.buffer.splice(firstBulk < 0 ? lane.buffer.length : firstBulk, 0, ...replies);
}

/** Take the first buffered row whose person has nothing in flight (queue order per person). */
export function takeNext(lane: Lane): ClaimedRow | undefined {
  const next = lane.buffer.findIndex((r) => !lane.busy.has(r.subscriber_id));
  if (next < 0) return undefined;
  // The usual case, the head: shift() trims the array in place where splice() copies the rest of it.
  return next === 0 ? lane.buffer.shift() : lane.buffer.splice(next, 1)[0];
}

export function beginSend(lane: Lane, row: ClaimedRow): void {
  lane.inFlight++;
  lane.busy.add(row.subscriber_id);
}

export function endSend(lane: Lane, row: ClaimedRow): void {
  lane.inFlight--;
  lane.wakeDispatcher?.();
  // The person's next message waits for the channel's per-recipient interval (pacing).
  lane.limiter.settled(() => {
    lane.busy.delete(row.subscriber_id);
    lane.wakeDispatcher?.();
  });
}

/** Sleep until woken (kick, buffer drained, outcome written) or `ms` passed. */
export function waitFor(lane: Lane, who: "claimer" | "dispatcher", ms: number): Promise<void> {
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
