import { randomUUID } from "node:crypto";
import type { Request, RequestHandler } from "express";
import type { RequestOrigin } from "../domain/audit.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";

const SAFE_ID = /^[A-Za-z0-9._-]{6,100}$/;

/** The request's id: the client's X-Request-Id when it is sane, a new UUID otherwise. */
export function requestIdOf(header: string | string[] | undefined): string {
  const incoming = Array.isArray(header) ? header[0] : header;
  return incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
}

/** A request id (taken from X-Request-Id when sane) and a child logger on every request. */
export function requestContext(logger: Logger, metrics: Metrics): RequestHandler {
  // Whether request lines are logged at all (LOG_LEVEL http or finer): winston builds and formats a line
  // before its transport drops it, a cost every request would pay for nothing.
  const logRequests = logger.isLevelEnabled("http");
  return (req, res, next) => {
    const requestId = requestIdOf(req.headers["x-request-id"]);
    res.setHeader("X-Request-Id", requestId);
    // The request's child logger, made when first used (most requests log nothing at info level).
    let log: Logger | undefined;
    Object.defineProperty(res.locals, "log", {
      get: () => (log ??= logger.child({ requestId })),
      set: (child: Logger) => void (log = child),
      enumerable: true,
      configurable: true,
    });
    res.locals.requestId = requestId;
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (req.route as { path?: string } | undefined)?.path;
      const routeLabel = route ? req.baseUrl + route : "unmatched";
      metrics.httpRequests.observe({ method: req.method, route: routeLabel, status: String(res.statusCode) }, seconds);
      if (logRequests) (res.locals.log as Logger).http("request", { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(seconds * 1000) });
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
