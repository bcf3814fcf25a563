import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
import type { ConsoleRules } from "../domain/officers/settings.js";
import type { Logger } from "../logger.js";
import type { PageRenderer } from "./render.js";

/** What the console's pages get (wired in src/service.ts). */
export interface ConsoleDeps {
  db: Db;
  config: Config;
  logger: Logger;
  rules: ConsoleRules;
  page: PageRenderer;
}
