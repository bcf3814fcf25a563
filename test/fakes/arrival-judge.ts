/**
 * How the fake platforms judge a rate limit, on arrival:
 * - "strict": at most `limit` accepted sends arriving in any `windowMs` (a sliding window), what a platform
 *   that promises nothing more than "N a second" may enforce;
 * - "bucket": a token bucket of one window's capacity refilled continuously (a burst after a quiet spell passes).
 * It also keeps what tests and the benchmark check afterwards: the most accepted arrivals seen in any window
 * and, per chat, the least time between two accepted arrivals.
 */
export type LimitMode = "strict" | "bucket";

export interface Arrival {
  chatId: string;
  at: number;
}
export interface Refusal extends Arrival {
  window: Arrival[];
}

/** How many accepted arrivals, and the first and last (ms, performance.now). */
export interface ArrivalSpan {
  accepted: number;
  first: number | null;
  last: number | null;
}

export interface ArrivalJudge {
  /** Judge one send arriving now for `chatId`: true = accept (and count it), false = refuse (429). */
  admit(chatId: string): boolean;
  configure(o: { limit?: number; mode?: LimitMode }): void;
  readonly limit: number;
  readonly mode: LimitMode;
  /** Most accepted arrivals in any window so far. */
  maxInWindow(): number;
  /** Sends refused for the limit so far. */
  refused(): number;
  /**
   * The first refusals (at most 3), each with the accepted arrivals of the window it fell in: what to read
   * when a test that expects none gets one (who arrived when, by the fake's clock, `performance.now()`).
   */
  firstRefusals(): Refusal[];
  /** Least time (ms) between two accepted arrivals for one chat; null when no chat got two. */
  minChatGapMs(): number | null;
  /** Accepted arrival times (ms, performance.now) for one chat, in order. */
  chatArrivals(chatId: string): number[];
  /** How many accepted arrivals, and the first and last (ms, performance.now): the rate the platform saw. */
  span(): ArrivalSpan;
  reset(): void;
}

export function createArrivalJudge(o: { limit?: number; mode?: LimitMode; windowMs?: number; now?: () => number } = {}): ArrivalJudge {
  const now = o.now ?? (() => performance.now());
  const windowMs = o.windowMs ?? 1000;
  let limit = o.limit ?? 0;
  let mode: LimitMode = o.mode ?? "strict";
  /** Accepted arrivals within the last window, oldest first (from `head`). */
  let recent: number[] = [];
  /** The chat of each entry of `recent`. */
  let recentChats: string[] = [];
  let refusalLog: Refusal[] = [];
  let head = 0;
  let most = 0;
  let refusals = 0;
  let tokens = limit;
  let refilledAt = now();
  let perChat = new Map<string, number[]>();
  let minGap: number | null = null;
  let accepted = 0;
  let first: number | null = null;
  let last: number | null = null;

  function inWindow(t: number): number {
    while (head < recent.length && recent[head]! <= t - windowMs) head++;
    if (head > 4096) {
      recent = recent.slice(head);
      recentChats = recentChats.slice(head);
      head = 0;
    }
    return recent.length - head;
  }

  function bucketAdmits(t: number): boolean {
    tokens = Math.min(limit, tokens + ((t - refilledAt) / windowMs) * limit);
    refilledAt = t;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  }

  return {
    get limit() {
      return limit;
    },
    get mode() {
      return mode;
    },
    admit(chatId) {
      const t = now();
      const count = inWindow(t);
      if (limit > 0 && (mode === "strict" ? count >= limit : !bucketAdmits(t))) {
        refusals++;
        if (refusalLog.length < 3) refusalLog.push({ chatId, at: t, window: recent.slice(head).map((at, i) => ({ at, chatId: recentChats[head + i]! })) });
        return false;
      }
      recent.push(t);
      recentChats.push(chatId);
      accepted++;
      first ??= t;
      last = t;
      most = Math.max(most, count + 1);
      const list = perChat.get(chatId);
      if (list) {
        const gap = t - list[list.length - 1]!;
        minGap = minGap === null ? gap : Math.min(minGap, gap);
        list.push(t);
      } else perChat.set(chatId, [t]);
      return true;
    },
    configure(c) {
      if (c.mode !== undefined) mode = c.mode;
      if (c.limit !== undefined) limit = c.limit;
      tokens = limit;
      refilledAt = now();
    },
    maxInWindow: () => most,
    refused: () => refusals,
    firstRefusals: () => refusalLog.map((r) => ({ ...r, window: [...r.window] })),
    minChatGapMs: () => minGap,
    chatArrivals: (chatId) => [...(perChat.get(chatId) ?? [])],
    span: () => ({ accepted, first, last }),
    reset() {
      recent = [];
      recentChats = [];
      refusalLog = [];
      head = 0;
      most = 0;
      refusals = 0;
      tokens = limit;
      refilledAt = now();
      perChat = new Map();
      minGap = null;
      accepted = 0;
      first = null;
      last = null;
    },
  };
}
