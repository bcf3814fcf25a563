import type { IncomingMessage, ServerResponse } from "node:http";
import express, { type Router } from "express";
import helmet from "helmet";
import type { Config } from "../config.js";
import type { Database } from "../db/client.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { problemHandler, sendProblem } from "./problem.js";
import { requestContext } from "./request-context.js";
import { bodyTimeout } from "./server.js";
import { healthRoutes } from "./routes/health.js";

export interface MountedRouter {
  /** Mount path, e.g. "/api/v1" or "/webhooks". */
  path: string;
  router: Router;
}

export interface AppDeps {
  config: Config;
  logger: Logger;
  database: Database;
  metrics: Metrics;
  /** Routers from the API and the channels; each parses its own body (webhooks need the raw bytes). */
  routers: MountedRouter[];
  /** Whether the service is shutting down (readyz answers 503). */
  isDraining?: () => boolean;
}

/** helmet's headers on every answer (the webhook intake, outside Express, sets them too). */
export function securityHeaders() {
  // Same-origin only: the console's scripts, styles and chart library are files served here.
  return helmet({ contentSecurityPolicy: { directives: { "style-src": ["'self'"], "font-src": ["'self'"], "img-src": ["'self'"] } } });
}

/**
 * helmet's headers as a list, for answers made outside Express (the webhook intake): helmet's configuration
 * is fixed, so it sets the same headers on every answer; taken once by running it on a recording response.
 */
export function securityHeaderList(): ReadonlyArray<readonly [string, string]> {
  const list: [string, string][] = [];
  const recorder = { setHeader: (name: string, value: unknown) => void list.push([name, String(value)]), removeHeader: () => undefined };
  let done = false;
  securityHeaders()({} as IncomingMessage, recorder as unknown as ServerResponse, () => (done = true));
  if (!done) throw new Error("helmet did not set its headers at once");
  return list;
}

export function createApp(deps: AppDeps) {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.use(requestContext(deps.logger, deps.metrics));
  app.use(securityHeaders());

  app.use(bodyTimeout(deps.config.HTTP_BODY_TIMEOUT_MS));
  app.use(healthRoutes({ ...deps, metricsToken: deps.config.METRICS_TOKEN }));

  for (const m of deps.routers) app.use(m.path, m.router);

  app.use((req, res) => sendProblem(res, 404, "not-found", "Not found", `No route for ${req.method} ${req.path}.`));
  app.use(problemHandler());
  return app;
}
