import type { ChannelAdapter, InboundEvent } from "../src/channels/adapter.js";
import { dispatchInbound, type InboundSink } from "../src/channels/dispatch.js";
import { deferredChild, type Logger } from "../src/logger.js";
import type { Metrics } from "../src/metrics.js";

/** A lifecycle part for the service's `intake` list (stopped first at shutdown). */
export interface IntakeComponent {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * One intake component per channel that receives by itself (long polling) or registers its webhook at
 * start: start → adapter.startIntake(events → handlers, then acknowledge); stop → adapter.stopIntake().
 */
export function channelIntake(channels: ChannelAdapter[], inbound: InboundSink, logger: Logger, metrics?: Metrics): IntakeComponent[] {
  return channels
    .filter((a) => a.startIntake !== undefined)
    .map((adapter) => {
      const log = logger.child({ component: `${adapter.name}-intake` });
      return {
        name: `${adapter.name}-intake`,
        start: () =>
          adapter.startIntake!(async (events: InboundEvent[]) => {
            await dispatchInbound(adapter, inbound, events, deferredChild(log, { updateKey: events[0]?.updateKey }), metrics);
          }),
        stop: () => adapter.stopIntake?.() ?? Promise.resolve(),
      };
    });
}
