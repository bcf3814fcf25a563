import type { ChannelAdapter } from "../src/channels/adapter.js";
import type { RememberChoices } from "../src/channels/remember-choices.js";
import type { Config } from "../src/config.js";
import type { Logger } from "../src/logger.js";
import type { Db } from "../src/db/client.js";

export interface ChannelsDeps {
  config: Config;
  logger: Logger;
  /** The database: Zalo OA keeps its rotating token pair there and reads last interactions (7-day rule). */
  db?: Db;
  /** Remembers the numbered choices of non-reply messages sent as text (Zalo channels; the residents' domain). */
  rememberChoices?: RememberChoices;
}

/**
 * The enabled channels, from configuration: Telegram when TELEGRAM_BOT_TOKEN is set (said once in the log
 * otherwise). The service hands them to the delivery worker, the webhook router (those with `webhook`) and
 * the intake list (those with `startIntake`, stopped first at shutdown). A channel's module (and its HTTP
 * client: grammY, axios) is loaded only when the channel is configured, so an idle service without it does
 * not hold it in memory.
 */
export async function createChannels({ config, logger, db, rememberChoices }: ChannelsDeps): Promise<ChannelAdapter[]> {
  const channels: ChannelAdapter[] = [];
  if (config.TELEGRAM_BOT_TOKEN) {
    const { createTelegramChannel } = await import("./telegram/index.js");
    channels.push(
      createTelegramChannel({
        token: config.TELEGRAM_BOT_TOKEN,
        apiRoot: config.TELEGRAM_API_ROOT,
        mode: config.TELEGRAM_MODE,
        webhookSecret: config.TELEGRAM_WEBHOOK_SECRET,
        publicBaseUrl: config.PUBLIC_BASE_URL,
        logger: logger.child({ component: "telegram" }),
      }),
    );
    logger.info("Telegram is on", { mode: config.TELEGRAM_MODE });
  } else {
    logger.info("Telegram is off: TELEGRAM_BOT_TOKEN is not set");
  }
  const zaloOaConfigured = Boolean(config.ZALO_OA_APP_ID || config.ZALO_OA_APP_SECRET || config.ZALO_OA_SECRET_KEY);
  if (!zaloOaConfigured) {
    logger.info("Zalo OA is off: ZALO_OA_APP_ID is not set");
  } else if (db) {
    const { createZaloOaChannel } = await import("./zalo-oa/index.js");
    const oa = createZaloOaChannel({ config, db, logger, ...(rememberChoices ? { rememberChoices } : {}) });
    if (oa) {
      channels.push(oa);
      logger.info("Zalo OA is on", { signature: config.ZALO_OA_SIGNATURE_VARIANT, buttons: config.ZALO_OA_BUTTONS });
    }
  } else {
    logger.warn("Zalo OA is off: createChannels was given no database");
  }
  const zaloBot = config.ZALO_BOT_TOKEN
    ? (await import("./zalo-bot/index.js")).createZaloBotChannel({ config, logger, ...(rememberChoices ? { rememberChoices } : {}) })
    : (logger.info("Zalo Bot is off: ZALO_BOT_TOKEN is not set"), null);
  if (zaloBot) {
    channels.push(zaloBot);
    logger.info("Zalo Bot is on", { mode: config.ZALO_BOT_MODE });
  }
  return channels;
}
