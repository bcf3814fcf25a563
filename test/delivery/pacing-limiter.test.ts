import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createRateLimiter, LimiterClosed } from "../../src/delivery/rate-limiter.js";

/** The limiter's schedule on a fake clock: what a strict platform would count, send by send. */
describe("sliding-window rate limiter", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const now = () => Date.now();

  /** Take `n` slots the way the worker does (tryAcquire, else acquire); resolves with each start time. */
  async function take(limiter: ReturnType<typeof createRateLimiter>, n: number): Promise<number[]> {
    const starts: number[] = [];
    const run = (async () => {
      for (let i = 0; i < n; i++) {
        if (!limiter.tryAcquire()) await limiter.acquire();
        starts.push(now());
      }
    })();
    await vi.runAllTimersAsync();
    await run;
    return starts;
  }
  /** Most starts in any half-open window of `ms`. */
  const mostIn = (starts: number[], ms: number) => Math.max(...starts.map((s, i) => starts.slice(i).filter((t) => t < s + ms).length));

  it("never lets more than the limit start within a second plus the margin, and does not fall behind", async () => {
    const limiter = createRateLimiter({ ratePerSecond: 30, marginMs: 15, now });
    const starts = await take(limiter, 300);
    expect(mostIn(starts, 1015)).toBeLessThanOrEqual(30);
    // The send `limit` sends later starts one window plus the margin after, never sooner.
    for (let i = 30; i < starts.length; i++) expect(starts[i]! - starts[i - 30]!).toBeGreaterThanOrEqual(1015);
    // Spread, not burst: no more than two start in the same instant.
    expect(mostIn(starts, 1)).toBeLessThanOrEqual(2);
    // Held: 300 sends at 30 per 1,015 ms take under eleven windows.
    expect(starts.at(-1)! - starts[0]!).toBeLessThan(10 * 1015 + 1015);
    limiter.close();
  });

  it("at a high limit holds 1 % of each window in reserve, and still holds the rest of the limit", async () => {
    const limiter = createRateLimiter({ ratePerSecond: 1000, marginMs: 15, stallProbeMs: 0, now });
    const starts = await take(limiter, 5000);
    // 990 in any second plus the margin: 10 more may arrive bunched by the other side's stall without a 429.
    expect(mostIn(starts, 1015)).toBe(990);
    for (let i = 990; i < starts.length; i++) expect(starts[i]! - starts[i - 990]!).toBeGreaterThanOrEqual(1015);
    // Held: 5,000 sends take at most 5,000 / 990 windows of 1,015 ms (97.5 % of the limit).
    expect(starts.at(-1)! - starts[0]!).toBeLessThanOrEqual(Math.ceil(5000 / 990) * 1015);
    limiter.close();
  });

  it("at a high limit catches up 120 ms of its schedule after a stall, no more, within the window", async () => {
    const limiter = createRateLimiter({ ratePerSecond: 1000, marginMs: 15, stallProbeMs: 0, now });
    const before = await take(limiter, 300);
    // The caller stood still for 100 ms (a stall): the sends it missed go at once when it comes back.
    await vi.advanceTimersByTimeAsync(100);
    const after = await take(limiter, 300);
    const atOnce = after.filter((t) => t === after[0]).length;
    expect(atOnce).toBeGreaterThanOrEqual(95);
    expect(atOnce).toBeLessThanOrEqual(122);
    // A longer stall (400 ms) is made up only as far as the allowance: the rest of it is lost, not burst.
    await vi.advanceTimersByTimeAsync(400);
    const late = await take(limiter, 300);
    expect(late.filter((t) => t === late[0]).length).toBeLessThanOrEqual(122);
    expect(mostIn([...before, ...after, ...late], 1015)).toBeLessThanOrEqual(990);
    limiter.close();
  });

  it("at a high limit counts a ramp from quiet 50 ms later, once: the sends a window after it wait for that", async () => {
    const limiter = createRateLimiter({ ratePerSecond: 1000, marginMs: 15, stallProbeMs: 0, now });
    const first = await take(limiter, 2000);
    // The 991st send waits a window and the margin after the first, plus the ramp's 50 ms.
    expect(first[990]! - first[0]!).toBeGreaterThanOrEqual(1015 + 50);
    // The flow then holds its pace: no second ramp while sends keep coming.
    expect(first[1980]! - first[990]!).toBeLessThan(1015 + 50);
    // Quiet for three windows, then a second burst: a ramp again.
    await vi.advanceTimersByTimeAsync(3100);
    const second = await take(limiter, 1000);
    expect(second[990]! - second[0]!).toBeGreaterThanOrEqual(1015 + 50);
    limiter.close();
  });

  it("a low limit keeps its whole window, and no ramp margin: one send is a larger share than the reserve", async () => {
    for (const [rate, share] of [[30, undefined], [99, undefined], [100, undefined], [30, 0.04]] as const) {
      const limiter = createRateLimiter({ ratePerSecond: rate, marginMs: 15, stallProbeMs: 0, reserveShare: share, now });
      const starts = await take(limiter, rate * 3);
      const kept = rate - Math.floor(rate * (share ?? 0.01));
      expect(mostIn(starts, 1015), `${rate}/s, reserve ${share ?? "default"}`).toBe(kept);
      // No ramp margin without a reserve: the send a window after the first waits the window and the margin only.
      if (kept === rate) expect(starts[rate]! - starts[0]!).toBeLessThan(1015 + 50);
      limiter.close();
    }
  });

  it("counts a send from when its request was written: the send a limit later waits a window after the write", async () => {
    const limiter = createRateLimiter({ ratePerSecond: 5, marginMs: 15, stallProbeMs: 0, now });
    const t0 = now();
    const first = limiter.tryAcquire()!;
    // Its request reaches the network 300 ms after the grant (the event loop was busy meanwhile).
    await vi.advanceTimersByTimeAsync(300);
    first.written();
    const starts = await take(limiter, 5);
    // The 5 sends after it start on their own schedule, but the 5th after the first waits a window after
    // the first's write, not after its grant: at most 5 in any second as the platform sees them arrive.
    expect(starts[4]! - (t0 + 300)).toBeGreaterThanOrEqual(1015);
    const arrivals = [t0 + 300, ...starts];
    expect(mostIn(arrivals, 1015)).toBeLessThanOrEqual(5);
    limiter.close();
  });

  it("counts a send from the loop's next tick: read by the other side a turn of the loop later, it is not caught up", async () => {
    const limiter = createRateLimiter({ ratePerSecond: 5, marginMs: 15, stallProbeMs: 5, now });
    const t0 = now();
    limiter.tryAcquire()!.written();
    // The probe's next tick, on time: the loop has turned once since the write.
    await vi.advanceTimersByTimeAsync(5);
    const starts = await take(limiter, 5);
    // The 5th send after it waits a window after that tick, not after the write (before: t0 + 1015).
    expect(starts[4]! - t0).toBeGreaterThanOrEqual(5 + 1015);
    limiter.close();
  });

  it("a send answered late beyond the margin is counted that much later: the send a limit after it waits", async () => {
    /** 26 sends at 20/s, each written at once and answered 80 ms later, but send 5 answered `extraMs` later still. */
    async function sendsWithOneLateAnswer(extraMs: number): Promise<number[]> {
      const limiter = createRateLimiter({ ratePerSecond: 20, marginMs: 15, stallProbeMs: 0, now });
      const starts: number[] = [];
      const run = (async () => {
        for (let i = 0; i < 26; i++) {
          const grant = limiter.tryAcquire() ?? (await limiter.acquire());
          starts.push(now());
          grant.written();
          setTimeout(() => grant.answered(), 80 + (i === 5 ? extraMs : 0));
        }
      })();
      await vi.runAllTimersAsync();
      await run;
      limiter.close();
      return starts;
    }
    // On time: the send 20 later goes a window and the margin after send 5.
    const onTime = await sendsWithOneLateAnswer(0);
    expect(onTime[25]! - onTime[5]!).toBeGreaterThanOrEqual(1015);
    expect(onTime[25]! - onTime[5]!).toBeLessThan(1040);
    // Answered 40 ms late: it may have reached the platform up to 40 ms late, 25 ms beyond what the margin covers.
    const late = await sendsWithOneLateAnswer(40);
    expect(late[25]! - late[5]!).toBeGreaterThanOrEqual(1040);
    // Within the margin (10 ms late): nothing moves.
    const slightly = await sendsWithOneLateAnswer(10);
    expect(slightly[25]! - slightly[5]!).toBeLessThan(1040);
  });

  it("after a quiet spell, a send answered late before any other is judged against the round trips before the spell", async () => {
    /**
     * 5 sends at 20/s answered in 80 ms, 5 s of quiet, then one send (a reply) answered `extraMs` later still, the
     * only answer of its window when it comes, and from 50 ms after it 25 more (a broadcast, answered after it).
     */
    async function lateAloneAfterQuiet(extraMs: number): Promise<number[]> {
      const limiter = createRateLimiter({ ratePerSecond: 20, marginMs: 15, stallProbeMs: 0, now });
      const starts: number[] = [];
      const send = async (answerMs: number) => {
        const grant = limiter.tryAcquire() ?? (await limiter.acquire());
        starts.push(now());
        grant.written();
        setTimeout(() => grant.answered(), answerMs);
      };
      const run = (async () => {
        for (let i = 0; i < 5; i++) await send(80);
        await new Promise((r) => setTimeout(r, 5_000));
        starts.length = 0;
        await send(80 + extraMs);
        await new Promise((r) => setTimeout(r, 50));
        for (let i = 0; i < 25; i++) await send(80);
      })();
      await vi.runAllTimersAsync();
      await run;
      limiter.close();
      return starts;
    }
    // On time: the send a limit later goes a window and the margin after the reply.
    const onTime = await lateAloneAfterQuiet(0);
    expect(onTime[20]! - onTime[0]!).toBeGreaterThanOrEqual(1015);
    expect(onTime[20]! - onTime[0]!).toBeLessThan(1040);
    // Answered 40 ms late: it may have reached the platform 25 ms beyond what the margin covers.
    const late = await lateAloneAfterQuiet(40);
    expect(late[20]! - late[0]!).toBeGreaterThanOrEqual(1040);
  });

  it("a stall moves the sends of the periods before it: the send a limit later waits a window after the stall", async () => {
    const limiter = createRateLimiter({ ratePerSecond: 5, marginMs: 15, stallProbeMs: 5, now });
    const t0 = now();
    limiter.tryAcquire()!.written();
    await vi.advanceTimersByTimeAsync(5);
    // The process stands still for 40 ms (the next tick comes 40 ms late): the send may arrive only now.
    vi.setSystemTime(now() + 40);
    await vi.advanceTimersByTimeAsync(5);
    const starts = await take(limiter, 5);
    expect(starts[4]! - t0).toBeGreaterThanOrEqual(50 + 1015);
    limiter.close();
  });

  it("holds every caller through a pause (a 429's retry_after)", async () => {
    const limiter = createRateLimiter({ ratePerSecond: 10, now });
    const t0 = now();
    limiter.pause(3000);
    expect(limiter.tryAcquire()).toBeNull();
    const starts = await take(limiter, 5);
    expect(Math.min(...starts)).toBeGreaterThanOrEqual(t0 + 3000);
    limiter.close();
  });

  it("paces one recipient: the next send to them waits the per-recipient interval after the last ended", async () => {
    const limiter = createRateLimiter({ ratePerSecond: 30, perRecipientMs: 1000, now });
    const freed: number[] = [];
    const t0 = now();
    limiter.settled(() => freed.push(now()));
    await vi.advanceTimersByTimeAsync(999);
    expect(freed).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(freed).toEqual([t0 + 1000]);
    limiter.close();
  });

  it("unlimited: every slot is free; close() rejects waiters and frees paced recipients at once", async () => {
    const open = createRateLimiter({ ratePerSecond: 0, now });
    for (let i = 0; i < 1000; i++) expect(open.tryAcquire()).not.toBeNull();
    const limiter = createRateLimiter({ ratePerSecond: 1, perRecipientMs: 1000, now });
    expect(limiter.tryAcquire()).not.toBeNull();
    const waiting = limiter.acquire();
    let freed = false;
    limiter.settled(() => (freed = true));
    limiter.close();
    await expect(waiting).rejects.toBeInstanceOf(LimiterClosed);
    expect(freed).toBe(true);
  });
});
