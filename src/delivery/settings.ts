import type { Config } from "../config.js";
import type { DeliveryWorkerOptions } from "./worker.js";
import { isQuiet, parseQuietHours } from "./quiet-hours.js";

/**
 * The delivery worker's settings from the configuration: per-channel rates and pacing (one budget per
 * channel, held in any sliding second; Telegram also paces each chat), quiet hours for bulk, concurrency,
 * attempts, lease.
 */
export function workerSettings(config: Config): Pick<DeliveryWorkerOptions, "rates" | "pacing" | "concurrency" | "maxAttempts" | "leaseMs" | "bulkAllowed"> {
  const quiet = parseQuietHours(config.QUIET_HOURS, config.TZ_NAME); // [quiet-hours]
  const marginMs = config.DELIVERY_PACING_MARGIN_MS;
  return {
    rates: {
      telegram: config.TELEGRAM_RATE_LIMIT_PER_SECOND,
      "zalo-oa": config.ZALO_OA_RATE_LIMIT_PER_SECOND,
      "zalo-bot": config.ZALO_BOT_RATE_LIMIT_PER_SECOND,
      // The simulator is local: no platform limit.
      sim: 0,
    },
    pacing: {
      telegram: { marginMs, perRecipientMs: config.TELEGRAM_PER_CHAT_INTERVAL_MS },
      "zalo-oa": { marginMs },
      "zalo-bot": { marginMs },
    },
    ...(config.DELIVERY_CONCURRENCY ? { concurrency: config.DELIVERY_CONCURRENCY } : {}),
    maxAttempts: config.DELIVERY_MAX_ATTEMPTS,
    leaseMs: config.DELIVERY_LEASE_MS,
    // [quiet-hours] No bulk message is claimed between QUIET_HOURS' start and end (local time).
    bulkAllowed: () => !isQuiet(quiet, new Date()),
  };
}
