import type { ChannelName } from "./names.js";
import { offeredButtons, type OutboundMessage, type Recipient } from "./message.js";

/**
 * A channel-neutral inbound event. Adapters turn platform updates into these; handlers/ decide.
 * - text: the person typed something
 * - action: the person pressed a button (or, on channels without buttons, sent its payload as text)
 * - start: /start or a deep link, with an optional payload (e.g. "c_06529")
 * - follow / unfollow: Zalo OA follow events; unfollow stops messaging
 */
export type InboundEvent =
  | (InboundBase & { type: "text"; text: string })
  | (InboundBase & { type: "action"; action: string; /** platform id to answer a button press */ callbackId?: string })
  | (InboundBase & { type: "start"; payload?: string })
  | (InboundBase & { type: "follow" })
  | (InboundBase & { type: "unfollow" });

interface InboundBase {
  channel: ChannelName;
  /** The person's platform id, as a string. */
  externalId: string;
  /** A key unique per platform update, for de-duplication of replays. */
  updateKey: string;
  displayName?: string;
  locale?: string;
  at: Date;
}

export interface SendResult {
  /** The platform's message id. */
  externalId: string;
}

/**
 * How a send keeps the channel's pace, given by the delivery worker. One send holds one slot of the
 * channel's rate limit: a message the platform takes in several calls (a long text in parts) asks for
 * `another` slot before each further call, and an adapter that knows when its request reached the network
 * says so with `written`, so that the limit is counted from then (the platform judges on arrival).
 */
export interface SendPacing {
  /** The current call's request has just been handed to the network. */
  written: () => void;
  /** The platform's answer to the current call has begun to arrive (its status line, before the body). */
  answered: () => void;
  /** Wait for one more slot of the channel's limit before a further call of the same send. */
  another: () => Promise<void>;
}

/** What an API client tells the limiter about one call (the adapter hands it the send's pacing). */
export type RequestProgress = Pick<SendPacing, "written" | "answered">;

/** What the worker tells an adapter about a send besides the message. */
export interface SendMeta {
  /** The delivery's kind ("broadcast", "reply", …). */
  kind: string;
  pacing?: SendPacing;
}

export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
}

/**
 * One per channel (the courier model). `send` resolves with the platform's message id or rejects with a
 * SendError from the closed set in ./errors.ts. Handlers never call a platform directly.
 */
export interface ChannelAdapter {
  readonly name: ChannelName;
  /** Whether the platform renders buttons; otherwise callers get a numbered text fallback. */
  readonly supportsButtons: boolean;
  /** The platform reaches a person only within a window after their last message: `send` wants `to.window`. */
  readonly recipientWindow?: boolean;
  send(to: Recipient, message: OutboundMessage, meta?: SendMeta): Promise<SendResult>;
  /** Turn a raw platform update (parsed JSON) into zero or more events. Never throws on unknown shapes. */
  parseInbound(raw: unknown): InboundEvent[];
  /**
   * Where the platform posts updates, under /webhooks (e.g. "telegram" → POST /webhooks/telegram).
   * ackFirst: answer 200 before processing (Zalo OA must be answered within 2 s); otherwise process, then
   * answer, so that the platform retries what failed.
   */
  readonly webhook?: { path: string; ackFirst: boolean };
  /** Verify a webhook's authenticity (secret header or signature). */
  verifyWebhook?(req: WebhookRequest): boolean;
  /** Acknowledge a button press where the platform needs it (Telegram answerCallbackQuery). */
  acknowledge?(event: InboundEvent): Promise<void>;
  /**
   * The body to answer a webhook call with when that answer can carry the acknowledgement itself (Telegram:
   * a webhook reply `{ method: "answerCallbackQuery", … }`, no request of our own), or undefined. When it
   * gives one, `acknowledge` is not called for those events.
   */
  acknowledgeInWebhookAnswer?(events: InboundEvent[]): Record<string, unknown> | undefined;
  /** Start receiving (long polling) and stop receiving. Webhook-only channels leave these out. */
  startIntake?(onEvents: (events: InboundEvent[]) => Promise<void>): Promise<void>;
  stopIntake?(): Promise<void>;
}

/** Render buttons as numbered lines, for channels without buttons. Numbers map back via the conversation. */
export function numberedFallback(message: OutboundMessage): string {
  const flat = offeredButtons(message);
  const links = (message.buttons ?? []).flat().filter((b) => b.url);
  const lines = [message.text];
  if (flat.length) lines.push("", ...flat.map((b, i) => `${i + 1}. ${b.label}`));
  for (const l of links) lines.push(`${l.label}: ${l.url ?? ""}`);
  return lines.join("\n");
}
