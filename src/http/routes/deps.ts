import type { Config } from "../../config.js";
import type { Db } from "../../db/client.js";
import type { Broadcaster } from "../../delivery/broadcaster.js";
import type { Logger } from "../../logger.js";
import type { OpenApiRegistry } from "../openapi.js";

/** What every officers' API router gets. */
export interface ApiDeps {
  config: Config;
  db: Db;
  logger: Logger;
  broadcaster: Broadcaster;
  openapi: OpenApiRegistry;
}
