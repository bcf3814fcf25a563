import type { InboundEvent } from "../src/channels/adapter.js";
import type { HandledEvent, InboundSink } from "../src/channels/dispatch.js";
import type { OutboundMessage, Recipient } from "../src/channels/message.js";
import type { ChannelName } from "../src/channels/names.js";
import type { AdmittedTurn, ResidentTurns, TurnDecision } from "../src/domain/residents/index.js";
import { deferredChild, type Logger } from "../src/logger.js";
import { route } from "./route.js";
import type { ConversationStep, Turn } from "./types.js";

export type HandledResult = HandledEvent;

export interface InboundProcessorDeps {
  /** The residents' unit of work (src/domain/residents): one transaction per event. */
  turns: ResidentTurns;
  logger: Logger;
  /** Wake the delivery worker after replies were enqueued. */
  kick: () => void;
  /** Time zone for times shown to people ("Đã đọc" at HH:MM). Default Asia/Ho_Chi_Minh. */
  timeZone?: string;
  /** Clock (tests). */
  now?: () => Date;
  /**
   * Send one message now, outside the outbox, to someone whose record was just erased (declined consent):
   * the outbox needs a subscriber row, and none may remain. Wired to the channel adapters by the service.
   */
  sendDirect?: (channel: ChannelName, to: Recipient, message: OutboundMessage) => Promise<void>;
}

export interface InboundProcessor extends InboundSink {
  /**
   * Handle events in order, each in its own transaction: de-duplicate, upsert the person, decide, save the
   * conversation state and enqueue the replies together. Throws if an event could not be handled (so the
   * platform retries it); events handled before it stay handled and replays of them do nothing.
   */
  handle(events: InboundEvent[], log?: Logger): Promise<HandledResult[]>;
}

/** The channel-agnostic entry point of the conversations: every channel hands its events here. */
export function createInboundProcessor(deps: InboundProcessorDeps): InboundProcessor {
  const timeZone = deps.timeZone ?? "Asia/Ho_Chi_Minh";
  const clock = deps.now ?? (() => new Date());

  /** One conversation turn: what the event means, what to answer, where the conversation goes next. */
  async function converse(event: InboundEvent, admitted: AdmittedTurn, log: () => Logger): Promise<TurnDecision> {
    const { subscriber } = admitted;
    const replies: OutboundMessage[] = [];
    let next: ConversationStep | null = null;
    let erase = false;
    let turnLog: Logger | undefined;
    const turn: Turn = {
      residents: admitted.residents,
      event,
      subscriber,
      state: admitted.state,
      locale: subscriber.locale,
      now: clock(),
      timeZone,
      get log() {
        return (turnLog ??= log().child({ subscriberId: subscriber.id }));
      },
      reply: (m) => void replies.push(m),
      setState: (s) => {
        next = s;
      },
      erase: () => {
        erase = true;
      },
    };
    await route(turn);
    return { replies, next, erase };
  }

  async function handleOne(event: InboundEvent, parent: Logger): Promise<HandledResult & { erased?: { subscriberId: string } }> {
    // Child loggers are made only when something is logged (most turns log nothing at info level).
    const eventLog = deferredChild(parent, { channel: event.channel, updateKey: event.updateKey, eventType: event.type });
    const log = () => eventLog;
    const outcome = await deps.turns.run(event, (admitted) => converse(event, admitted, log), log);
    return { event, ...outcome };
  }

  return {
    async handle(events, log = deps.logger) {
      const results: HandledResult[] = [];
      let queued = false;
      try {
        for (const event of events) {
          const { erased, ...result } = await handleOne(event, log);
          results.push(result);
          if (erased) await sendErased(event, erased.subscriberId, result.replies, log);
          else if (result.replies.length) queued = true;
        }
      } finally {
        if (queued) deps.kick();
      }
      return results;
    },
  };

  async function sendErased(event: InboundEvent, subscriberId: string, replies: OutboundMessage[], log: Logger) {
    if (!deps.sendDirect) return;
    for (const m of replies) {
      try {
        await deps.sendDirect(event.channel, { subscriberId, externalId: event.externalId }, m);
      } catch (err) {
        log.warn("direct reply to an erased person failed", { channel: event.channel, err });
      }
    }
  }
}
