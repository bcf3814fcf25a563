import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { sendProblem } from "./problem.js";

/** Whether an address is this machine's (IPv4, IPv6, or IPv4 mapped into IPv6). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}

/** Compare two secrets in time that does not depend on where they differ (hashes make the lengths equal). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Who may read /metrics: with a token configured, whoever sends `Authorization: Bearer <token>` (loopback
 * included); without one, loopback clients only (`req.ip`, which a reverse proxy on this host sets from
 * X-Forwarded-For, so an outside client behind the proxy is not taken for a local one).
 */
export function metricsAccess(token: string | undefined): RequestHandler {
  return (req, res, next) => {
    if (token) {
      const m = /^Bearer\s+(\S+)$/i.exec(req.header("authorization") ?? "");
      if (m?.[1] && sameSecret(m[1], token)) return next();
      res.setHeader("WWW-Authenticate", 'Bearer realm="metrics"');
      sendProblem(res, 401, "unauthorized", "Unauthorized", "Send METRICS_TOKEN as 'Authorization: Bearer <token>'.", [
        { field: "Authorization", message: "missing or wrong metrics token" },
      ]);
      return;
    }
    if (isLoopback(req.ip)) return next();
    sendProblem(res, 403, "forbidden", "Forbidden", "Metrics are served to this machine only; set METRICS_TOKEN to read them from elsewhere.", [
      { field: "(address)", message: "not a loopback address" },
    ]);
  };
}
