import http from "node:http";
import type { RequestHandler } from "express";
import type { Config } from "../config.js";

/**
 * The HTTP server with its timeouts: headers must arrive within HTTP_HEADERS_TIMEOUT_MS and the whole
 * request within HTTP_REQUEST_TIMEOUT_MS; a declared body must keep arriving (see `bodyTimeout`).
 * A client that opens a request and sends nothing more loses its connection instead of holding it.
 */
export function createHttpServer(app: http.RequestListener, config: Pick<Config, "HTTP_HEADERS_TIMEOUT_MS" | "HTTP_REQUEST_TIMEOUT_MS">) {
  const server = http.createServer(
    {
      headersTimeout: Math.min(config.HTTP_HEADERS_TIMEOUT_MS, config.HTTP_REQUEST_TIMEOUT_MS),
      requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
      // How often Node checks the two timeouts above (its default, 30 s, would let a short limit run long).
      connectionsCheckingInterval: Math.min(1_000, config.HTTP_HEADERS_TIMEOUT_MS),
    },
    app,
  );
  server.keepAliveTimeout = 5_000;
  return server;
}

/**
 * A request that declares a body must send it without pausing longer than `ms` between chunks; past
 * that the connection is closed. Once the body has arrived, the handler takes as long as it needs.
 */
export function bodyTimeout(ms: number): RequestHandler {
  return (req, _res, next) => {
    watchBodyTimeout(req, ms);
    next();
  };
}

/** The rule of `bodyTimeout` on one request (the Express middleware and the webhook intake both use it). */
export function watchBodyTimeout(req: http.IncomingMessage, ms: number): void {
  const declaresBody = req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
  if (declaresBody && !req.complete) {
    req.setTimeout(ms, () => req.socket.destroy());
    req.once("end", () => req.setTimeout(0));
  }
}
