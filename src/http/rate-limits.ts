import type { RequestHandler, Response } from "express";
import { sendProblem } from "./problem.js";

/** Counts per key in fixed one-minute windows (a process-local count; each instance limits its own share). */
export interface WindowCounter {
  /** Count one more for `key`; whether it is now over the limit, and the seconds until the window ends. */
  hit(key: string): { over: boolean; retryAfterS: number };
  /** Whether `key` is already over the limit (without counting). */
  isOver(key: string): boolean;
}

export function createWindowCounter(limit: number, windowMs = 60_000, now: () => number = Date.now): WindowCounter {
  let windowStart = now();
  let counts = new Map<string, number>();
  const roll = () => {
    const t = now();
    if (t - windowStart >= windowMs) {
      windowStart = t - ((t - windowStart) % windowMs);
      counts = new Map();
    }
  };
  const retryAfterS = () => Math.max(1, Math.ceil((windowStart + windowMs - now()) / 1000));
  return {
    hit(key) {
      roll();
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      return { over: n > limit, retryAfterS: retryAfterS() };
    },
    isOver(key) {
      roll();
      return (counts.get(key) ?? 0) > limit;
    },
  };
}

export function sendRateLimited(res: Response, retryAfterS: number, detail: string) {
  res.setHeader("Retry-After", String(retryAfterS));
  sendProblem(res, 429, "rate-limited", "Too many requests", detail);
}

/** Valid requests, limited per API key (after authentication: res.locals.principal). */
export function perKeyLimit(limitPerMinute: number): RequestHandler {
  const counter = createWindowCounter(limitPerMinute);
  return (_req, res, next) => {
    const keyId = (res.locals.principal as { keyId?: string } | undefined)?.keyId;
    if (!keyId) return next();
    const { over, retryAfterS } = counter.hit(keyId);
    if (over) return sendRateLimited(res, retryAfterS, `This key sent more than ${limitPerMinute} requests in a minute; slow down and retry later.`);
    next();
  };
}
