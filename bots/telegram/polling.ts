import type { Api } from "grammy";
import type { Update } from "grammy/types";
import type { Logger } from "../../src/logger.js";

export interface PollerOptions {
  api: Api;
  logger: Logger;
  /** Handle one update; a rejection leaves the offset where it is so the update is fetched again. */
  onUpdate(update: Update): Promise<void>;
  allowedUpdates: readonly string[];
  /** Long-polling timeout asked of Telegram (seconds). */
  timeoutSeconds?: number;
  /** Least time between two polls, so a server that answers at once (an emulator) is not hammered. */
  minIntervalMs?: number;
  /** A safe one-line description of a failed call (no token); the raw error is not logged. */
  describeError(err: unknown): string;
  /** After this many failures the same update is skipped (logged) so one bad update cannot block the bot. */
  maxFailuresPerUpdate?: number;
}

export interface Poller {
  start(): void;
  /** Stop at once: aborts the pending getUpdates and resolves when the loop has ended. */
  stop(): Promise<void>;
}

/** A small long-polling loop over getUpdates with an offset (no grammY Bot, no middleware). */
export function createPoller(opts: PollerOptions): Poller {
  const { api, logger } = opts;
  const timeout = opts.timeoutSeconds ?? 25;
  const minInterval = opts.minIntervalMs ?? 1000;
  const maxFailures = opts.maxFailuresPerUpdate ?? 5;
  let running = false;
  let loop: Promise<void> | null = null;
  let abort = new AbortController();
  let offset: number | undefined;
  let failures = 0;
  let failingUpdate: number | undefined;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (!running) return resolve();
      const t = setTimeout(done, ms);
      abort.signal.addEventListener("abort", done, { once: true });
      function done() {
        clearTimeout(t);
        abort.signal.removeEventListener("abort", done);
        resolve();
      }
    });

  async function run() {
    let errorStreak = 0;
    while (running) {
      const started = Date.now();
      let updates: Update[];
      try {
        updates = await api.getUpdates(
          { offset, timeout, allowed_updates: opts.allowedUpdates as never },
          // grammY types the signal as abort-controller's; the native one works (it only listens for "abort").
          abort.signal as unknown as Parameters<Api["getUpdates"]>[1],
        );
        if (errorStreak > 0) logger.info("Telegram polling recovered", { failedPolls: errorStreak });
        errorStreak = 0;
      } catch (err) {
        if (!running) break;
        errorStreak++;
        const wait = Math.min(30_000, 1000 * 2 ** Math.min(errorStreak, 5));
        if (errorStreak === 1 || errorStreak % 20 === 0) {
          logger.warn("Telegram getUpdates failed; retrying", { error: opts.describeError(err), failedPolls: errorStreak, retryInMs: wait });
        }
        await pause(wait);
        continue;
      }
      for (const update of updates) {
        if (!running) break;
        try {
          await opts.onUpdate(update);
        } catch (err) {
          failures = failingUpdate === update.update_id ? failures + 1 : 1;
          failingUpdate = update.update_id;
          if (failures < maxFailures) {
            logger.warn("Telegram update failed; it will be fetched again", { updateId: update.update_id, attempt: failures, err });
            await pause(Math.min(10_000, 500 * 2 ** failures));
            break;
          }
          logger.error("Telegram update failed repeatedly; skipped", { updateId: update.update_id, attempts: failures, err });
        }
        offset = update.update_id + 1;
      }
      const elapsed = Date.now() - started;
      if (updates.length === 0 && elapsed < minInterval) await pause(minInterval - elapsed);
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      abort = new AbortController();
      loop = run().catch((err: unknown) => {
        logger.error("Telegram polling loop crashed", { err });
      });
    },
    async stop() {
      running = false;
      abort.abort();
      await loop;
      loop = null;
    },
  };
}
