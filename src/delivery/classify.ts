import { ConfigFailure, OutsideWindow, Permanent, RecipientGone, Throttled, Transient } from "../channels/errors.js";

/** Every send error an adapter may throw, as a union the compiler can narrow on `kind`. */
export type SendFailure = Throttled | RecipientGone | OutsideWindow | Transient | Permanent | ConfigFailure;

/** Narrow an unknown throw to the closed set; null for anything outside it (a bug in an adapter). */
export function asSendFailure(err: unknown): SendFailure | null {
  if (
    err instanceof Throttled ||
    err instanceof RecipientGone ||
    err instanceof OutsideWindow ||
    err instanceof Transient ||
    err instanceof Permanent ||
    err instanceof ConfigFailure
  ) {
    return err;
  }
  return null;
}

/**
 * What the worker does with a failed send. The worker, not the adapter, turns errors into states:
 * - throttle: pause the channel for `retryAfterMs` and try the row again (or give rows back if long)
 * - retry: back to the queue with backoff, failed after the last attempt
 * - recipient_gone: fail this row and the person's other queued rows; mark the person gone
 * - outside_window: end in the outside_window state (Zalo OA 7-day rule)
 * - pause_channel: our configuration is wrong; pause the channel and give every row back
 * - fail: failed for good
 */
export type SendOutcome =
  | { kind: "throttle"; retryAfterMs: number; detail: string }
  | { kind: "retry"; detail: string; /** Not a SendError: an adapter broke its contract. */ unexpected: boolean }
  | { kind: "recipient_gone"; detail: string }
  | { kind: "outside_window"; detail: string }
  | { kind: "pause_channel"; detail: string }
  | { kind: "fail"; errorKind: "permanent"; detail: string };

/** Map what a send threw to what the worker does next. Pure: no clock, no state, no I/O. */
export function classify(err: unknown): SendOutcome {
  const failure = asSendFailure(err);
  if (!failure) return { kind: "retry", detail: unexpectedDetail(err), unexpected: true };
  switch (failure.kind) {
    case "throttled":
      return { kind: "throttle", retryAfterMs: failure.retryAfterMs, detail: failure.detail };
    case "transient":
      return { kind: "retry", detail: failure.detail, unexpected: false };
    case "recipient_gone":
      return { kind: "recipient_gone", detail: failure.detail };
    case "outside_window":
      return { kind: "outside_window", detail: failure.detail };
    case "config":
      return { kind: "pause_channel", detail: failure.detail };
    case "permanent":
      return { kind: "fail", errorKind: "permanent", detail: failure.detail };
  }
}

function unexpectedDetail(err: unknown): string {
  const message = typeof err === "object" && err !== null && "message" in err && err.message != null ? err.message : err;
  return `unexpected: ${String(message)}`.slice(0, 500);
}
