/**
 * The closed set of send failures. Every adapter maps its platform's answers to exactly one of these;
 * the delivery worker, not the adapter, turns them into delivery states and retries.
 */
export type SendErrorKind = "throttled" | "recipient_gone" | "outside_window" | "transient" | "permanent" | "config";

export interface SendErrorDetails {
  /** The platform method that failed (sendMessage, /v3.0/oa/message/cs…). */
  method: string;
  /** The platform's own error code and message, kept for officers and logs. */
  code?: string | number;
  description?: string;
  /** The payload that was sent (never containing tokens). */
  payload?: unknown;
  cause?: unknown;
}

export abstract class SendError extends Error {
  abstract readonly kind: SendErrorKind;
  readonly method: string;
  readonly code: string | number | undefined;
  readonly description: string | undefined;
  readonly payload: unknown;

  constructor(message: string, details: SendErrorDetails) {
    super(message, { cause: details.cause });
    this.name = new.target.name;
    this.method = details.method;
    this.code = details.code;
    this.description = details.description;
    this.payload = details.payload;
  }

  /** A short text for the delivery's error detail column. */
  get detail(): string {
    const code = this.code === undefined ? "" : `[${String(this.code)}] `;
    return `${this.method}: ${code}${this.description ?? this.message}`.slice(0, 500);
  }
}

/** The platform asked us to slow down: pause the whole channel for `retryAfterMs`. */
export class Throttled extends SendError {
  readonly kind = "throttled" as const;
  constructor(readonly retryAfterMs: number, details: SendErrorDetails) {
    super(`throttled for ${retryAfterMs} ms`, details);
  }
}

/** The person blocked the bot, unfollowed, or no longer exists: stop sending to them. */
export class RecipientGone extends SendError {
  readonly kind = "recipient_gone" as const;
  constructor(details: SendErrorDetails) {
    super("recipient gone", details);
  }
}

/** Zalo OA 7-day rule: the person has not interacted recently enough to be messaged. */
export class OutsideWindow extends SendError {
  readonly kind = "outside_window" as const;
  constructor(details: SendErrorDetails) {
    super("outside the messaging window", details);
  }
}

/** Network failure, timeout or 5xx: retry with backoff. */
export class Transient extends SendError {
  readonly kind = "transient" as const;
  constructor(details: SendErrorDetails) {
    super("transient failure", details);
  }
}

/** The platform refused this message for good (bad request, text too long…). */
export class Permanent extends SendError {
  readonly kind = "permanent" as const;
  constructor(details: SendErrorDetails) {
    super("permanent failure", details);
  }
}

/** Our configuration is wrong (bad token, API not granted): no message on this channel can succeed. */
export class ConfigFailure extends SendError {
  readonly kind = "config" as const;
  constructor(details: SendErrorDetails) {
    super("channel configuration error", details);
  }
}

export function isSendError(e: unknown): e is SendError {
  return e instanceof SendError;
}
