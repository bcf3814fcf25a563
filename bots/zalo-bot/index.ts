import type { Config } from "../../src/config.js";
import type { Logger } from "../../src/logger.js";
import type { ChannelAdapter } from "../../src/channels/adapter.js";
import { createZaloBotAdapter } from "./adapter.js";
import { createZaloBotClient } from "./client.js";
import type { RememberChoices } from "../../src/channels/remember-choices.js";

/** The Zalo Bot channel, or null (logged once) when ZALO_BOT_TOKEN (or the webhook secret) is missing. */
export function createZaloBotChannel({ config, logger, rememberChoices }: { config: Config; logger: Logger; rememberChoices?: RememberChoices }): ChannelAdapter | null {
  if (!config.ZALO_BOT_TOKEN) {
    logger.info("Zalo Bot channel off: set ZALO_BOT_TOKEN to enable it");
    return null;
  }
  if (config.ZALO_BOT_MODE === "webhook" && !config.ZALO_BOT_WEBHOOK_SECRET) {
    logger.warn("Zalo Bot channel off: webhook mode needs ZALO_BOT_WEBHOOK_SECRET (or set ZALO_BOT_MODE=polling)");
    return null;
  }
  return createZaloBotAdapter({
    client: createZaloBotClient({ apiBase: config.ZALO_BOT_API_BASE, token: config.ZALO_BOT_TOKEN }),
    logger,
    mode: config.ZALO_BOT_MODE,
    webhookSecret: config.ZALO_BOT_WEBHOOK_SECRET,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    pollTimeoutS: config.ZALO_BOT_POLL_TIMEOUT_S,
    ...(rememberChoices ? { rememberChoices } : {}),
  });
}
