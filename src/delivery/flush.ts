import type { Db } from "../db/client.js";
import type { Logger } from "../logger.js";
import { recordOutcomes, type Outcome } from "./outcomes.js";

export interface OutcomeWriterOptions {
  db: Db;
  owner: string;
  logger: Logger;
  /** Outcomes are written in groups of up to flushSize, at most flushMs after the first one waits. */
  flushSize: number;
  flushMs: number;
  /** Largest group written in one statement when outcomes pile up. */
  flushMaxSize: number;
  /** After a group is written: how many rows, and whether the backlog is below the backpressure mark. */
  onWritten(count: number, belowBackpressure: boolean): void;
  /** After a failed write: true when the worker is stopping with nothing in flight (drop, leases expire). */
  abandon(): boolean;
}

/** Outcomes waiting to be written, flushed in batches: one statement per group, not one per send. */
export interface OutcomeWriter {
  record: (o: Outcome) => void;
  /** Write everything pending now; resolves when the write (or the one under way) ends. */
  flush(): Promise<void>;
  /** Sends wait while this is true: it bounds memory and what a crash could send twice. */
  backlogged(): boolean;
  /** Nothing pending and no write under way. */
  idle(): boolean;
}

export function createOutcomeWriter(opts: OutcomeWriterOptions): OutcomeWriter {
  const { db, owner, logger, flushSize, flushMs } = opts;
  /** A backlog of outcomes (sends outpacing writes) is written in bigger groups: fewer round trips. */
  const flushMax = Math.max(flushSize, opts.flushMaxSize);
  /**
   * Backpressure: sends wait while this many outcomes are not yet written. It bounds memory when the
   * database is slower than the platform, and what a crash could send twice (unwritten outcomes go back
   * to the queue with their lease).
   */
  const maxUnwritten = 2 * flushMax;
  const pending: Outcome[] = [];
  let flushing: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;

  function record(o: Outcome) {
    pending.push(o);
    if (pending.length >= flushSize) void flush();
    else timer ??= setTimeout(() => void flush(), flushMs);
  }

  function flush(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (flushing) return flushing;
    if (!pending.length) return Promise.resolve();
    flushing = writeAll().finally(() => {
      flushing = null;
    });
    return flushing;
  }

  async function writeAll() {
    while (pending.length) {
      const group = pending.splice(0, flushMax);
      try {
        await recordOutcomes(db, owner, group);
        opts.onWritten(group.length, pending.length < maxUnwritten);
      } catch (err) {
        // Keep them: the rows stay leased to us; retry shortly (after a crash the lease expires).
        logger.error("could not record delivery outcomes; retrying", { err, count: group.length });
        pending.unshift(...group);
        await sleep(500);
        // Stopping and the database is gone: leases will expire and the rows return to the queue.
        if (opts.abandon()) pending.length = 0;
      }
    }
  }

  return {
    record,
    flush,
    backlogged: () => pending.length >= maxUnwritten,
    idle: () => !pending.length && !flushing,
  };
}

export function sleep(ms: number) {
  return new Promise<void>((r) => setTimeout(r, ms));
}
