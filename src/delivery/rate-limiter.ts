/**
 * A per-channel send scheduler that never lets more than `ratePerSecond` sends reach the platform in any
 * sliding second, as the platform sees them arrive.
 *
 * It remembers when each of the last `limit` sends started: the next send may start only once the send
 * `limit` sends ago started at least `windowMs + marginMs` earlier. The margin covers the jitter between our
 * start and the platform's arrival (a send held up in our event loop arrives later than it started; the one
 * `limit` sends after it must not catch it up inside one second). Within the window, sends are spread
 * 1/rate apart (a virtual schedule with a small catch-up allowance for late timers) rather than sent in a
 * burst at the start of each second: a burst queues up on both sides and widens that jitter.
 *
 * Our own event loop counts as jitter too: a send written in one turn of the loop may be read by the other
 * side (a platform on this machine, a test's fake in this process) only in the next, and a turn can last
 * several milliseconds on a busy machine; a send granted just before the loop stalls (a synchronous
 * database query, the process descheduled) is written — and arrives — only after the stall, while the sends
 * after it go out on time. A light probe (a 2 ms timer, only while sends flow) therefore counts every send
 * started since its previous tick from its own tick, which comes no earlier than the turn after the write;
 * when it fires late (a stall) it does so for the sends of the two periods before as well. The sends after
 * them are spaced from these later times, so a send is at most one tick interval older, as counted, than
 * when the other side read it. And a send whose adapter says when its request was written
 * (`SendGrant.written`) is counted from then: whatever ran between the grant and the write (the database's
 * turn on the same thread, a new connection) then cannot bring it closer to the send `limit` sends later.
 *
 * The other side's delay counts last: a request written on time may still be read late (the platform's
 * intake busy, a fake whose process the machine did not run for tens of milliseconds). Its answer then comes
 * back late too, and that is the one sign of it this side gets. When an adapter says its answer has begun
 * to arrive (`SendGrant.answered`), the round trip beyond the shortest one seen lately (this window and the
 * one before; after a quiet spell, the last busy window's) is taken as delay on the way there, the worst
 * case; what exceeds the margin, which covers that much already, moves the send's count later, and so the
 * send `limit` sends after it. On a quiet
 * machine round trips differ by less than the margin and nothing moves; a late answer costs the sends of
 * the next window that much time.
 *
 * At high limits a share of each window's sends is held in reserve as well (`reserveShare`, whole sends, so
 * none below 100/s at the default 1 %): 990 a window at 1000/s. A stall on the other side (a platform's
 * intake, a fake on a busy machine) reads the sends of its length at once, and how many that is grows with
 * the rate: on the bench's two cores the fake's event loop stood still for up to 10–42 ms in a 1000/s run
 * and, with the margin alone, 429s came in one to four runs in five. With the reserve, the sends of a stall
 * of ~25 ms at 1000/s (margin and reserve) may arrive bunched, for 1 % of the rate; a low limit, whose sends
 * are tens of milliseconds apart, keeps its whole window (at 30/s one send is 3.3 % of it). At those limits a
 * ramp (a send whose predecessor a window's worth earlier is missing or more than two windows old: a
 * broadcast starting from quiet) is counted `rampMarginMs` later too (default 50 ms): its sends go out on
 * connections being opened, which the other side reads when it has accepted them — in a bench run the
 * 429s left with the reserve alone came 1.5 s into the run, about a window after its first sends. It costs
 * that once per ramp.
 *
 * `pause(ms)` holds every caller (Telegram's 429 retry_after applies to the whole bot). `settled(then)`
 * paces one recipient: `then` runs once `perRecipientMs` has passed since that recipient's send
 * finished (Telegram: one message a second to one chat).
 */
/** One send's slot: the send is counted from its grant, or from when its request was written if later. */
export interface SendGrant {
  /** The send's request has just been handed to the network: count it from now. */
  written(): void;
  /** The platform's answer to it has begun to arrive: a late answer may mean it was read late (see above). */
  answered(): void;
}

export interface RateLimiter {
  acquire(): Promise<SendGrant>;
  /** Take a slot if one is free right now (no pause, no wait); null: call acquire(). */
  tryAcquire(): SendGrant | null;
  /** Hold all sends until `ms` from now (extends, never shortens, a current pause). */
  pause(ms: number): void;
  /** A send to one recipient has finished: `then` runs when the next send to that recipient may start. */
  settled(then: () => void): void;
  /** Resolve every waiter now with a rejection (worker stopping); pending `settled` callbacks run at once. */
  close(): void;
  readonly ratePerSecond: number;
}

export interface PacingOptions {
  /**
   * Added to the window between a send and the one `limit` sends later (ms, default 15): the spread of the
   * delay between our start and the platform's arrival.
   */
  marginMs?: number;
  /**
   * Share of each window's sends held back (default 0.01, rounded down to whole sends): arrivals the
   * other side may read bunched by a stall of its own.
   */
  reserveShare?: number;
  /**
   * Added to the count of a send that starts a ramp (ms; default 50 where the limit keeps a reserve, else 0):
   * the sends of a burst from quiet go out on connections the other side has yet to accept.
   */
  rampMarginMs?: number;
  /** The platform's window (ms, default 1000). */
  windowMs?: number;
  /** Least interval between the end of one send to a recipient and the start of the next (ms, default 0). */
  perRecipientMs?: number;
  /**
   * How far behind its even schedule the spread may fall and still catch up (ms; at least one interval):
   * after a stall, up to this much of the schedule's sends may go at once, within the window. Default 120
   * where the limit keeps a reserve (≥ 100/s: a stall there costs many sends), else 25 (a low limit's sends
   * are tens of milliseconds apart, and a burst of them is a larger share of its window).
   */
  catchUpMs?: number;
  /** Period of the probe that counts sends from the loop's next tick and notices stalls (ms, default 2; 0 = off). */
  stallProbeMs?: number;
}

export interface RateLimiterOptions extends PacingOptions {
  /** Sends per window; 0 or Infinity = unlimited. */
  ratePerSecond: number;
  now?: () => number;
}

export class LimiterClosed extends Error {
  constructor() {
    super("rate limiter closed");
  }
}

const DEFAULT_PACING_MARGIN_MS = 15;
const DEFAULT_PACING_RESERVE_SHARE = 0.01;
const DEFAULT_PACING_RAMP_MARGIN_MS = 50;
/**
 * At 1000/s on the embedded database with both of the bench's cores loaded, 120 ms held more of the limit
 * than 60 and 60 more than 25 (29 November; no 429 with any, PostgreSQL too; README, "Benchmarks").
 */
const DEFAULT_PACING_CATCH_UP_MS = 120;
const DEFAULT_PACING_CATCH_UP_MS_LOW_LIMIT = 25;

/** The grant of an unlimited channel: nothing to count. */
const UNPACED: SendGrant = { written: () => undefined, answered: () => undefined };

interface Waiter {
  resolve: (grant: SendGrant) => void;
  reject: (e: Error) => void;
}

export function createRateLimiter(opts: RateLimiterOptions): RateLimiter {
  const now = opts.now ?? (() => performance.now());
  const unlimited = !opts.ratePerSecond || !Number.isFinite(opts.ratePerSecond);
  const limit = unlimited ? 0 : Math.max(1, Math.floor(opts.ratePerSecond));
  /** Sends let start in one window: the limit less the reserve. */
  const perWindow = Math.max(1, limit - Math.floor(limit * Math.max(0, opts.reserveShare ?? DEFAULT_PACING_RESERVE_SHARE)));
  const windowMs = opts.windowMs ?? 1000;
  const marginMs = Math.max(0, opts.marginMs ?? DEFAULT_PACING_MARGIN_MS);
  const span = windowMs + marginMs;
  const keepsReserve = perWindow < limit;
  const rampMs = Math.max(0, opts.rampMarginMs ?? (keepsReserve ? DEFAULT_PACING_RAMP_MARGIN_MS : 0));
  const window = createStartWindow(unlimited ? 0 : perWindow, span, rampMs);
  const roundTrips = createRoundTrips(windowMs);
  const catchUpMs = opts.catchUpMs ?? (keepsReserve ? DEFAULT_PACING_CATCH_UP_MS : DEFAULT_PACING_CATCH_UP_MS_LOW_LIMIT);
  const spread = createSpread(unlimited ? 0 : windowMs / perWindow, catchUpMs);
  const recipients = createRecipientPacing(Math.max(0, opts.perRecipientMs ?? 0), now);
  const probe = createStallProbe(unlimited ? 0 : (opts.stallProbeMs ?? 2), windowMs, now, (since, until) => window.delay(since, until));
  let pausedUntil = -Infinity;
  let closed = false;
  const waiters: Waiter[] = [];
  let timer: NodeJS.Timeout | null = null;

  /** The earliest time the next send may start. */
  const eligibleAt = () => (unlimited ? pausedUntil : Math.max(pausedUntil, window.nextAt(), spread.nextAt()));

  function grant(t: number): SendGrant {
    if (unlimited) return UNPACED;
    const seq = window.record(t);
    spread.record(t);
    probe.active(t);
    let sentAt = t;
    return {
      written: () => {
        sentAt = now();
        window.written(seq, sentAt);
      },
      answered: () => {
        const answeredAt = now();
        const late = roundTrips.excess(answeredAt - sentAt, answeredAt) - marginMs;
        if (late > 0) window.written(seq, sentAt + late);
      },
    };
  }

  /** Let waiting callers go, in order, while their time has come; then sleep until the next one's. */
  function pump() {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    while (waiters.length && !closed) {
      const t = now();
      const at = eligibleAt();
      if (at > t) {
        // Timers may fire up to a millisecond early: round up, and re-check when they fire.
        timer = setTimeout(pump, Math.ceil(at - t));
        return;
      }
      waiters.shift()!.resolve(grant(t));
    }
  }

  return {
    ratePerSecond: unlimited ? Infinity : limit,
    acquire() {
      if (closed) return Promise.reject(new LimiterClosed());
      return new Promise<SendGrant>((resolve, reject) => {
        waiters.push({ resolve, reject });
        if (waiters.length === 1) pump();
      });
    },
    tryAcquire() {
      if (closed || waiters.length) return null;
      const t = now();
      if (eligibleAt() > t) return null;
      return grant(t);
    },
    pause(ms: number) {
      const until = now() + ms;
      if (until <= pausedUntil) return;
      pausedUntil = until;
      if (waiters.length) pump();
    },
    settled(then) {
      if (closed) then();
      else recipients.after(then);
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      for (const w of waiters.splice(0)) w.reject(new LimiterClosed());
      recipients.flush();
      probe.stop();
    },
  };
}

/**
 * The start times of the last `limit` sends (a ring indexed by each send's sequence number); the next may
 * start `span` ms after the oldest. Times only move later, and never out of order: a send counted later
 * than it was granted (written late, held up by a stall, or starting a ramp) moves every send granted after
 * it along.
 */
function createStartWindow(limit: number, span: number, rampMs: number) {
  const starts = new Float64Array(Math.max(1, limit));
  /** Sends recorded so far; the next one's sequence number. */
  let total = 0;
  /** Count send `seq` (if still in the ring) and those granted after it as starting no earlier than `t`. */
  function later(seq: number, t: number) {
    for (let s = Math.max(seq, total - limit); s < total; s++) {
      const at = s % limit;
      if (starts[at]! >= t) return;
      starts[at] = t;
    }
  }
  return {
    nextAt: () => (total < limit ? -Infinity : starts[total % limit]! + span),
    /** Sends counted from after `since` are taken to have started no earlier than `until`. */
    delay(since: number, until: number) {
      let first = total;
      while (first > Math.max(0, total - limit) && starts[(first - 1) % limit]! > since) first--;
      if (first < total) later(first, until);
    },
    /** The send with this sequence number was written at `t`. */
    written(seq: number, t: number) {
      later(seq, t);
    },
    /** Record a send granted at `t` (counted `rampMs` later if it starts a ramp); returns its sequence number. */
    record(t: number): number {
      if (limit) {
        const before = total >= limit ? starts[total % limit]! : -Infinity;
        const last = total ? starts[(total - 1) % limit]! : -Infinity;
        starts[total % limit] = Math.max(last, t - before > 2 * span ? t + rampMs : t);
      }
      return total++;
    },
  };
}

/**
 * The shortest round trip of this window and the one before (it follows the platform's latency when that
 * changes, within two windows), and by how much a round trip exceeds it.
 */
function createRoundTrips(windowMs: number) {
  let before = Infinity;
  let current = Infinity;
  let currentFrom = -Infinity;
  /** The shortest round trip of the last window that had answers, however long ago. */
  let lastKnown = Infinity;
  return {
    excess(rtt: number, t: number): number {
      if (t - currentFrom > windowMs) {
        if (current < Infinity) lastKnown = current;
        // After a quiet spell the first answers are judged against the last busy window's shortest round trip
        // (without one, the first answer would set the measure it is judged by); from the next window on, the
        // platform's current latency again.
        before = t - currentFrom > 2 * windowMs ? lastKnown : current;
        current = Infinity;
        currentFrom = t;
      }
      current = Math.min(current, rtt);
      return rtt - Math.min(before, current);
    },
  };
}

/**
 * Ticks every `period` ms while sends flow: sends started since the previous tick are counted from this one
 * (they may be read by the other side only in this turn of the loop or the next). A tick later than
 * `period` + 4 ms means the loop (or the process) stood still: sends of the two periods before the previous
 * tick may have been written only now, and are counted from now as well. Runs only within two windows of the
 * last grant; the timer never keeps the process alive.
 */
function createStallProbe(period: number, windowMs: number, now: () => number, onTick: (since: number, until: number) => void) {
  let timer: NodeJS.Timeout | null = null;
  let lastTick = 0;
  let lastGrant = 0;
  function tick() {
    const t = now();
    onTick(t - lastTick > period + 4 ? lastTick - 2 * period : lastTick, t);
    lastTick = t;
    if (t - lastGrant > 2 * windowMs) stop();
  }
  function stop() {
    if (timer) clearInterval(timer);
    timer = null;
  }
  return {
    active(t: number) {
      lastGrant = t;
      if (timer || !period) return;
      // As if a tick had come just before this grant: the first tick counts it.
      lastTick = t - 1;
      timer = setInterval(tick, period);
      timer.unref();
    },
    stop,
  };
}

/**
 * Sends spread `interval` ms apart on a virtual schedule (GCRA): a send late by less than the tolerance
 * (one interval, at least `catchUpMs`) does not push the schedule back, so late timers and short stalls are
 * caught up instead of lowering the rate; the window above still bounds every second.
 */
function createSpread(interval: number, catchUpMs: number) {
  const tolerance = Math.max(interval, catchUpMs);
  /** Theoretical start of the next send. */
  let tat = -Infinity;
  return {
    nextAt: () => tat - tolerance,
    record(t: number) {
      tat = Math.max(tat, t) + interval;
    },
  };
}

/**
 * Per-recipient pacing: callbacks run `interval` ms after a recipient's send finished. The interval is the
 * same for everyone, so the queue is in time order and one timer serves it.
 */
function createRecipientPacing(interval: number, now: () => number) {
  const queue: { at: number; then: () => void }[] = [];
  let head = 0;
  let timer: NodeJS.Timeout | null = null;

  function run() {
    timer = null;
    const t = now();
    while (head < queue.length && queue[head]!.at <= t) queue[head++]!.then();
    if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    if (head < queue.length) timer = setTimeout(run, Math.ceil(queue[head]!.at - t));
  }

  return {
    after(then: () => void) {
      if (!interval) return then();
      queue.push({ at: now() + interval, then });
      if (!timer) timer = setTimeout(run, interval);
    },
    flush() {
      if (timer) clearTimeout(timer);
      timer = null;
      const rest = queue.splice(head);
      queue.length = 0;
      head = 0;
      for (const r of rest) r.then();
    },
  };
}
