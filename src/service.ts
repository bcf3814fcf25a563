import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Config } from "./config.js";
import { openDatabase, type Database } from "./db/client.js";
import { runMigrations } from "./db/migrate.js";
import type { Logger } from "./logger.js";
import { createMetrics, type Metrics } from "./metrics.js";
import { readUnitsFile, loadUnits } from "./units/load-units.js";
import { createApp, type MountedRouter } from "./http/app.js";
import { countApiKeys } from "./domain/api-keys.js";
import { apiRouter } from "./http/routes/api.js";
import { createOpenApiRegistry } from "./http/openapi.js";
import { noBroadcast, type Broadcaster } from "./delivery/broadcaster.js";

/**
 * A part of the service with a lifecycle. Started in order, stopped in the reverse of `stopOrder`
 * (design.md §3): stop intake → stop scheduler → drain sends → close HTTP → close the database.
 */
export interface Component {
  name: string;
  start?(): Promise<void>;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  config: Config;
  logger: Logger;
  /** Use this database instead of opening one from config (tests). */
  database?: Database;
  /** Skip loading the units file (tests that load a template that has them already). */
  skipUnits?: boolean;
}

export interface Service {
  config: Config;
  database: Database;
  metrics: Metrics;
  server: http.Server;
  port: number;
  url: string;
  stop(reason?: string): Promise<void>;
}

export async function startService(opts: ServiceOptions): Promise<Service> {
  const { config, logger } = opts;
  const database = opts.database ?? (await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, logger }));
  try {
    await runMigrations(database);
    if (!opts.skipUnits) {
      const loaded = await loadUnits(database.db, await readUnitsFile(config.UNITS_FILE));
      logger.info("administrative units loaded", loaded);
    }
  } catch (err) {
    await database.close();
    throw err;
  }
  const metrics = createMetrics();
  let draining = false;

  // Channels, handlers, delivery worker and scheduler are wired here as the issues land.
  const intake: Component[] = [];
  const scheduler: Component[] = [];
  const senders: Component[] = [];
  const routers: MountedRouter[] = [];
  const broadcaster: Broadcaster = noBroadcast;
  const openapi = createOpenApiRegistry({
    title: "gopy officers' API",
    version: "1",
    description: "Drafts, publishing, feedback and statistics for drafting agencies and the Department of Justice.",
  });
  routers.push({ path: "/api/v1", router: apiRouter({ config, db: database.db, logger, broadcaster, openapi }), rateLimited: true });

  const app = createApp({ config, logger, database, metrics, routers, isDraining: () => draining });
  const server = http.createServer(app);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.PORT, config.HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  for (const c of [...senders, ...scheduler, ...intake]) await c.start?.();
  logger.info("gopy is listening", { url, database: database.where });
  if ((await countApiKeys(database.db)) === 0) {
    logger.warn(
      "No API key exists yet. Create the first one with: npm run cli -- keys create --role admin --name \"Your name\"",
    );
  }

  let stopping: Promise<void> | null = null;
  const stop = (reason = "stop") => {
    stopping ??= (async () => {
      draining = true;
      logger.info("shutting down", { reason });
      const step = async (name: string, fn: () => Promise<void>) => {
        try {
          await fn();
          logger.debug("stopped", { component: name });
        } catch (err) {
          logger.error("error while stopping", { component: name, err });
        }
      };
      for (const c of intake) await step(c.name, () => c.stop());
      for (const c of scheduler) await step(c.name, () => c.stop());
      for (const c of senders) await step(c.name, () => c.stop());
      await step("http", () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
      );
      await step("database", () => database.close());
      logger.info("stopped");
    })();
    return stopping;
  };

  return { config, database, metrics, server, port, url, stop };
}
