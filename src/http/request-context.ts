import { randomUUID } from "node:crypto";
import type { Request, RequestHandler } from "express";
import type { RequestOrigin } from "../domain/audit.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";

const SAFE_ID = /^[A-Za-z0-9._-]{6,100}$/;

/** A request id (taken from X-Request-Id when sane) and a child logger on every request. */
export function requestContext(logger: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const incoming = req.header("x-request-id");
    const requestId = incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader("X-Request-Id", requestId);
    const log = logger.child({ requestId });
    res.locals.log = log;
    res.locals.requestId = requestId;
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (req.route as { path?: string } | undefined)?.path;
      const routeLabel = route ? req.baseUrl + route : "unmatched";
      metrics.httpRequests.observe({ method: req.method, route: routeLabel, status: String(res.statusCode) }, seconds);
      log.http("request", { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(seconds * 1000) });
    });
    next();
  };
}

const MAX_USER_AGENT = 300;

/** The client address (as trusted proxies report it) and User-Agent of a request, for the audit log. */
export function requestOrigin(req: Request): RequestOrigin {
  const ua = req.header("user-agent");
  return { ip: req.ip ?? null, userAgent: ua ? ua.slice(0, MAX_USER_AGENT) : null };
}
