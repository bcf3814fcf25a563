import { Router } from "express";
import { sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import type { Metrics } from "../../metrics.js";
import { metricsAccess } from "../metrics-access.js";

export interface HealthDeps {
  database: Database;
  metrics: Metrics;
  /** Whether the service is shutting down (readyz answers 503). */
  isDraining?: () => boolean;
  /** METRICS_TOKEN: when set, /metrics needs it as a Bearer token; else loopback only. */
  metricsToken?: string | undefined;
}

/** /healthz: the process is up. /readyz: the database answers. /metrics: Prometheus. */
export function healthRoutes(deps: HealthDeps): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    if (deps.isDraining?.()) {
      res.status(503).json({ status: "draining" });
      return;
    }
    try {
      await deps.database.db.execute(sql`select 1`);
      res.json({ status: "ready", database: deps.database.kind });
    } catch (err) {
      // The reason goes to the log, not to this unauthenticated answer (it can name hosts and users).
      (res.locals.log as { warn(m: string, meta: object): void } | undefined)?.warn("readiness check failed", { err });
      res.status(503).json({ status: "unavailable", database: deps.database.kind });
    }
  });
  router.get("/metrics", metricsAccess(deps.metricsToken), async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return router;
}
