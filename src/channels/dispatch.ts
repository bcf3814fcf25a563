import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import type { ChannelAdapter, InboundEvent } from "./adapter.js";
import type { OutboundMessage } from "./message.js";
import { sanitizeInboundEvent } from "./sanitize.js";

/** What became of one inbound event. */
export interface HandledEvent {
  event: InboundEvent;
  /** true: this update was handled before (a replay); nothing was done and nothing is sent. */
  duplicate: boolean;
  /** The replies produced, in order (already in the outbox, or sent directly when the person was erased). */
  replies: OutboundMessage[];
  /** The subscriber's id, unless the person was erased or the update was a replay. */
  subscriberId?: string;
}

/** Whatever decides what inbound events mean (the conversations' inbound processor, wired by the service). */
export interface InboundSink<R = unknown> {
  handle(events: InboundEvent[], log: Logger): Promise<R>;
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
 * Clean parsed events (src/channels/sanitize.ts), hand them to the conversations, then acknowledge button presses (Telegram's spinner).
 * Used by the webhook router, polling intake and the simulator alike; resolves with what became of each event. A failed acknowledgement is logged, never thrown;
 * a failed `handle` is thrown so the caller can make the platform retry.
 * With `pending`, the acknowledgements are started (after the events were handled) but not waited for:
 * the webhook answer does not wait for a round trip to the platform; `pending` keeps them for shutdown.
 */
export async function dispatchInbound<R>(
  adapter: ChannelAdapter,
  inbound: InboundSink<R>,
  parsed: InboundEvent[],
  log: Logger,
  metrics?: Metrics,
  pending?: PendingTasks,
  /** true: the caller acknowledges in its answer to the platform (a webhook reply); no acknowledgement here. */
  acknowledgedInAnswer = false,
): Promise<R | undefined> {
  if (!parsed.length) return undefined;
  // The one place where platform text, names and dates are cleaned, for every channel.
  const events = parsed.map((e) => sanitizeInboundEvent(e));
  for (const e of events) metrics?.inbound.inc({ channel: e.channel, type: e.type });
  const handled = await inbound.handle(events, log);
  if (!adapter.acknowledge || acknowledgedInAnswer) return handled;
  const acks = acknowledgeAll(adapter, events, log);
  if (pending) pending.track(acks);
  else await acks;
  return handled;
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
