/**
 * A per-channel rate limiter (token bucket in its "virtual scheduling" form): `acquire()` resolves when the
 * caller may send, spacing sends 1/rate apart on average with a small burst allowance so that late timers
 * catch up without ever exceeding `rate` in any window longer than the burst. `pause(ms)` holds every
 * caller (Telegram's 429 retry_after applies to the whole bot).
 */
export interface RateLimiter {
  acquire(): Promise<void>;
  /** Take a slot if one is free right now (no pause, no wait); false: call acquire(). */
  tryAcquire(): boolean;
  /** Hold all sends until `ms` from now (extends, never shortens, a current pause). */
  pause(ms: number): void;
  /** Resolve every waiter now with a rejection (worker stopping). */
  close(): void;
  readonly ratePerSecond: number;
}

export interface RateLimiterOptions {
  /** Sends per second; 0 or Infinity = unlimited. */
  ratePerSecond: number;
  /** How many sends may go back to back after an idle period (default: 1/20 s worth, at least 1). */
  burst?: number;
  now?: () => number;
}

export class LimiterClosed extends Error {
  constructor() {
    super("rate limiter closed");
  }
}

export function createRateLimiter(opts: RateLimiterOptions): RateLimiter {
  const now = opts.now ?? (() => performance.now());
  const unlimited = !opts.ratePerSecond || !Number.isFinite(opts.ratePerSecond);
  const interval = unlimited ? 0 : 1000 / opts.ratePerSecond;
  const burst = Math.max(1, opts.burst ?? Math.floor(opts.ratePerSecond / 20));
  const tolerance = interval * (burst - 1);
  /** Theoretical arrival time of the next send. */
  let tat = 0;
  let pausedUntil = 0;
  let closed = false;
  const waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  let timer: NodeJS.Timeout | null = null;

  /** Reserve a slot; returns how long the caller must wait for it. */
  function reserve(): number {
    const t = now();
    const start = Math.max(t, pausedUntil);
    if (unlimited) return start - t;
    const at = Math.max(tat, start - tolerance);
    tat = Math.max(at, start - tolerance) + interval;
    return Math.max(0, at - t);
  }

  function schedule() {
    if (timer || closed || !waiters.length) return;
    const wait = Math.max(0, pausedUntil - now());
    timer = setTimeout(() => {
      timer = null;
      // Re-reserve each waiter after a pause; they go out in FIFO order.
      const ready = waiters.splice(0);
      for (const w of ready) void wait2(w);
    }, wait);
  }

  function wait2(w: { resolve: () => void; reject: (e: Error) => void }) {
    if (closed) return w.reject(new LimiterClosed());
    if (now() < pausedUntil) {
      waiters.push(w);
      schedule();
      return;
    }
    const d = reserve();
    if (d <= 0.5) w.resolve();
    else setTimeout(() => (closed ? w.reject(new LimiterClosed()) : now() + 0.5 < pausedUntil ? wait2(w) : w.resolve()), d);
  }

  return {
    ratePerSecond: unlimited ? Infinity : opts.ratePerSecond,
    acquire() {
      return new Promise<void>((resolve, reject) => wait2({ resolve, reject }));
    },
    tryAcquire() {
      if (closed || waiters.length) return false;
      const t = now();
      if (t < pausedUntil) return false;
      if (unlimited) return true;
      const at = Math.max(tat, t - tolerance);
      if (at - t > 0.5) return false;
      tat = at + interval;
      return true;
    },
    pause(ms: number) {
      const until = now() + ms;
      if (until <= pausedUntil) return;
      pausedUntil = until;
      // Slots reserved before the pause are given back: the schedule restarts after it.
      tat = Math.min(tat, pausedUntil);
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      schedule();
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const w of waiters.splice(0)) w.reject(new LimiterClosed());
    },
  };
}
