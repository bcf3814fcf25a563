import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import type { ChannelAdapter, InboundEvent } from "./adapter.js";

/** Whatever decides what inbound events mean (handlers/inbound.ts's processor). */
export interface InboundSink {
  handle(events: InboundEvent[], log: Logger): Promise<unknown>;
}

/**
 * Hand parsed events to the conversations, then acknowledge button presses (Telegram's spinner).
 * Used by the webhook router and by polling intake alike. A failed acknowledgement is logged, never thrown;
 * a failed `handle` is thrown so the caller can make the platform retry.
 */
export async function dispatchInbound(
  adapter: ChannelAdapter,
  inbound: InboundSink,
  events: InboundEvent[],
  log: Logger,
  metrics?: Metrics,
): Promise<void> {
  if (!events.length) return;
  for (const e of events) metrics?.inbound.inc({ channel: e.channel, type: e.type });
  await inbound.handle(events, log);
  if (!adapter.acknowledge) return;
  for (const e of events) {
    if (e.type !== "action") continue;
    try {
      await adapter.acknowledge(e);
    } catch (err) {
      log.warn("acknowledging a button press failed", { channel: adapter.name, err });
    }
  }
}
