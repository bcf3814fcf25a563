import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import type { ChannelAdapter, InboundEvent } from "./adapter.js";

/** Whatever decides what inbound events mean (handlers/inbound.ts's processor). */
export interface InboundSink {
  handle(events: InboundEvent[], log: Logger): Promise<unknown>;
}

/**
 * Acknowledgements still in flight (Telegram answerCallbackQuery after a webhook was answered): the
 * service waits for them at shutdown, after HTTP is closed, so none is lost.
 */
export interface PendingTasks {
  track(task: Promise<unknown>): void;
  /** Resolves when every task tracked so far (and any tracked meanwhile) has settled. */
  settle(): Promise<void>;
}

export function createPendingTasks(): PendingTasks {
  const tasks = new Set<Promise<unknown>>();
  return {
    track(task) {
      const p = task.then(
        () => undefined,
        () => undefined,
      );
      tasks.add(p);
      void p.then(() => tasks.delete(p));
    },
    async settle() {
      while (tasks.size) await Promise.all([...tasks]);
    },
  };
}

/**
 * Hand parsed events to the conversations, then acknowledge button presses (Telegram's spinner).
 * Used by the webhook router and by polling intake alike. A failed acknowledgement is logged, never thrown;
 * a failed `handle` is thrown so the caller can make the platform retry.
 * With `pending`, the acknowledgements are started (after the events were handled) but not waited for:
 * the webhook answer does not wait for a round trip to the platform; `pending` keeps them for shutdown.
 */
export async function dispatchInbound(
  adapter: ChannelAdapter,
  inbound: InboundSink,
  events: InboundEvent[],
  log: Logger,
  metrics?: Metrics,
  pending?: PendingTasks,
): Promise<void> {
  if (!events.length) return;
  for (const e of events) metrics?.inbound.inc({ channel: e.channel, type: e.type });
  await inbound.handle(events, log);
  if (!adapter.acknowledge) return;
  const acks = acknowledgeAll(adapter, events, log);
  if (pending) pending.track(acks);
  else await acks;
}

async function acknowledgeAll(adapter: ChannelAdapter, events: InboundEvent[], log: Logger): Promise<void> {
  for (const e of events) {
    if (e.type !== "action") continue;
    try {
      await adapter.acknowledge!(e);
    } catch (err) {
      log.warn("acknowledging a button press failed", { channel: adapter.name, err });
    }
  }
}
