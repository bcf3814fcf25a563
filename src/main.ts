import "dotenv/config";
import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { DataDirLockedError } from "./db/lock.js";
import { startService } from "./service.js";

/** The composition root: config → logger → service; signals → ordered shutdown. */
async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  const logger = createLogger({ level: config.LOG_LEVEL, json: config.NODE_ENV === "production" });
  let service;
  try {
    service = await startService({ config, logger });
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      logger.error(err.message);
      process.exit(75);
    }
    logger.error("start-up failed", { err });
    process.exit(1);
  }
  const onSignal = (signal: NodeJS.Signals) => {
    const timer = setTimeout(() => {
      logger.error("shutdown took too long; exiting", { timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    void service.stop(signal).then(() => process.exit(0));
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
}

void main();
