import type http from "node:http";
import type { AddressInfo } from "node:net";
import type { Config } from "./config.js";
import { openDatabase, type Database } from "./db/client.js";
import { runMigrations } from "./db/migrate.js";
import type { Logger } from "./logger.js";
import { createMetrics, type Metrics } from "./metrics.js";
import { readUnitsFile, loadUnits } from "./units/load-units.js";
import { createApp, type MountedRouter } from "./http/app.js";
import { createHttpServer } from "./http/server.js";
import { countApiKeys } from "./domain/api-keys.js";
import { apiRouter } from "./http/routes/api.js";
import { createOpenApiRegistry } from "./http/openapi.js";
import type { Broadcaster } from "./delivery/broadcaster.js";
import { createBroadcaster } from "./delivery/broadcast.js";
import { workerSettings } from "./delivery/settings.js";
import { createDeliveryWorker, type DeliveryWorker } from "./delivery/worker.js";
import type { ChannelAdapter } from "./channels/adapter.js";
import { createInboundProcessor, type InboundProcessor } from "../handlers/inbound.js";
import { inArrivalOrder } from "./channels/arrival-order.js";
import { createResidentsDomain } from "./domain/residents/index.js";
import { createChannels } from "../bots/index.js";
import { channelIntake } from "../bots/intake.js";
import { createSimAdapter, simRoutes, type SimAdapter } from "../bots/sim/index.js";
import { webhookIntake } from "./http/webhook-intake.js";
import { createPendingTasks } from "./channels/dispatch.js";
import { createAdminServer } from "./cli/admin-server.js";
import { allCommands } from "./cli/commands/index.js";
import { createRegistry } from "./cli/registry.js";
import { adminSocketPath } from "./cli/socket-path.js";
import { openApiRoute } from "./http/routes/openapi.js";
import { consoleRouter } from "./console/router.js";
import { createPageRenderer } from "./console/render.js";
import { consoleRulesFrom } from "./domain/officers/settings.js";
import { createScheduler } from "../scheduler/scheduler.js";
import { defaultJobs } from "../scheduler/jobs/index.js";
import { t } from "./i18n/index.js";

/**
 * A part of the service with a lifecycle. Started in order, stopped in the reverse of `stopOrder`
 * (docs/architecture.md, "Layers"): stop intake → stop scheduler → drain sends → close HTTP → close the database.
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
  /** The enabled channel adapters (Telegram, Zalo…, and the simulator when on). */
  channels: ChannelAdapter[];
  /** The sender loop: `drain()` sends everything due now (tests). */
  worker: DeliveryWorker;
  /** The conversations' entry point (every channel's events go through it). */
  inbound: InboundProcessor;
  /** The simulator channel, when SIMULATOR_ENABLED (default: on unless NODE_ENV=production). */
  sim: SimAdapter | null;
  /**
   * Resolves once every webhook update acknowledged before it was handled (Zalo OA answers first) has been
   * handled, and its button acknowledgements sent; stop() waits for the same.
   */
  settleInbound(): Promise<void>;
  stop(reason?: string): Promise<void>;
}

export async function startService(opts: ServiceOptions): Promise<Service> {
  const { config, logger } = opts;
  const database = opts.database ?? (await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: config.DATABASE_POOL_SIZE, logger }));
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
  if (!opts.database && database.kind === "pglite") {
    // The embedded database is ours alone: the CLI reaches it through this local socket while we run.
    const registry = createRegistry(allCommands);
    intake.push(createAdminServer({ socketPath: adminSocketPath(config.DATA_DIR), registry, db: database.db, config, logger }));
  }
  const scheduler: Component[] = [];
  const senders: Component[] = [];
  const routers: MountedRouter[] = [];
  // Channels → delivery worker (senders) → conversations (handlers/) → webhooks, polling and the simulator.
  const sim = config.simulatorEnabled ? createSimAdapter() : null;
  const residents = createResidentsDomain({ db: database.db, commentsPerDraft: config.COMMENTS_PER_DRAFT_LIMIT, inviteGuessesPerHour: config.INVITE_GUESSES_PER_HOUR });
  const channels: ChannelAdapter[] = [
    ...(await createChannels({ config, logger, db: database.db, rememberChoices: residents.rememberChoices })),
    ...(sim ? [sim] : []),
  ];
  const worker = createDeliveryWorker({ db: database.db, adapters: channels, logger: logger.child({ component: "delivery" }), metrics, ...workerSettings(config) });
  senders.push({ name: "delivery", start: () => worker.start(), stop: () => worker.stop() });
  // One person's messages are handled in arrival order on every channel (Zalo OA answers before handling).
  const inbound = inArrivalOrder(createInboundProcessor({
    turns: residents.turns,
    logger: logger.child({ component: "handlers" }),
    kick: () => worker.kick(),
    timeZone: config.TZ_NAME,
    sendDirect: async (channel, to, message) => {
      await channels.find((c) => c.name === channel)?.send(to, message, { kind: "reply" });
    },
  }));
  intake.push(...channelIntake(channels, inbound, logger, metrics));
  // Button-press acknowledgements do not hold webhook answers; they are waited for at shutdown.
  const pendingAcks = createPendingTasks();
  const webhooks = webhookIntake({ adapters: channels, inbound, logger, bodyLimit: config.BODY_LIMIT, bodyTimeoutMs: config.HTTP_BODY_TIMEOUT_MS, metrics, pending: pendingAcks });
  if (sim) {
    routers.push({ path: "/sim", router: simRoutes({ adapter: sim, inbound, logger, metrics }) });
    logger.warn("the simulator is on at /sim: anyone who can reach this port can read any simulated inbox (SIMULATOR_ENABLED=false turns it off)");
  }
  const broadcaster: Broadcaster = createBroadcaster({ timeZone: config.TZ_NAME, kick: () => worker.kick() });
  const openapi = createOpenApiRegistry({
    title: t("en", "service.apiTitle"),
    version: "1",
    description: t("en", "service.apiDescription"),
  });
  routers.push({ path: "/api/v1", router: apiRouter({ config, db: database.db, logger, broadcaster, openapi }) });
  routers.push({ path: "/console", router: consoleRouter({ db: database.db, config, logger, rules: consoleRulesFrom(config), page: createPageRenderer() }) });
  routers.push({ path: "/", router: openApiRoute(openapi) });
  scheduler.push(createScheduler({ db: database.db, logger, config, jobs: defaultJobs({ broadcaster, config }) }));

  const app = createApp({ config, logger, database, metrics, routers, isDraining: () => draining });
  // The platforms' webhooks are taken on node:http (src/http/webhook-intake.ts); every other request goes to Express.
  const server = createHttpServer(webhooks(app), config);
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
    logger.warn(t("en", "service.noKeys", { command: 'npm run cli -- keys create --role admin --name "Your name"' }));
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
      await step("acknowledgements", () => pendingAcks.settle());
      await step("database", () => database.close());
      logger.info("stopped");
    })();
    return stopping;
  };

  return { config, database, metrics, server, port, url, channels, worker, inbound, sim, settleInbound: () => pendingAcks.settle(), stop };
}
