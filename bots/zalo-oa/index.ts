import type { RememberChoices } from "../../src/channels/remember-choices.js";
import type { Config } from "../../src/config.js";
import type { Db } from "../../src/db/client.js";
import type { Logger } from "../../src/logger.js";
import { createZaloOaAdapter, type ZaloOaAdapter } from "./adapter.js";
import { createZaloOaClient } from "./client.js";
import { createZaloOaTokenStore, type ZaloOaTokenStore } from "./tokens.js";
import { dbLastInteraction } from "./window.js";

export interface ZaloOaChannelDeps {
  config: Config;
  db: Db;
  logger: Logger;
  /** Remembers the numbered choices of messages sent as text (the residents' domain, wired by the service). */
  rememberChoices?: RememberChoices;
}

/** The token store from config (also used by the CLI); null when the app id or secret is missing. */
export function zaloOaTokenStoreFromConfig({ config, db, logger }: ZaloOaChannelDeps): ZaloOaTokenStore | null {
  if (!config.ZALO_OA_APP_ID || !config.ZALO_OA_APP_SECRET) return null;
  return createZaloOaTokenStore({
    db,
    logger: logger.child({ component: "zalo-oa-tokens" }),
    appId: config.ZALO_OA_APP_ID,
    appSecret: config.ZALO_OA_APP_SECRET,
    oauthBase: config.ZALO_OAUTH_BASE,
  });
}

/** The Zalo OA channel, or null (logged once) when its credentials are not configured. */
export function createZaloOaChannel(deps: ZaloOaChannelDeps): ZaloOaAdapter | null {
  const { config, db, logger } = deps;
  const missing = (["ZALO_OA_APP_ID", "ZALO_OA_APP_SECRET", "ZALO_OA_SECRET_KEY"] as const).filter((k) => !config[k]);
  const tokens = zaloOaTokenStoreFromConfig(deps);
  if (missing.length || !tokens || !config.ZALO_OA_APP_ID || !config.ZALO_OA_SECRET_KEY) {
    logger.info(`Zalo OA channel off: set ${missing.join(", ")} to enable it`);
    return null;
  }
  return createZaloOaAdapter({
    client: createZaloOaClient({ apiBase: config.ZALO_OA_API_BASE }),
    tokens,
    logger,
    signature: {
      variant: config.ZALO_OA_SIGNATURE_VARIANT,
      secrets: { appId: config.ZALO_OA_APP_ID, oaSecretKey: config.ZALO_OA_SECRET_KEY, oaId: config.ZALO_OA_ID, appSecret: config.ZALO_OA_APP_SECRET },
    },
    oaId: config.ZALO_OA_ID,
    buttons: config.ZALO_OA_BUTTONS,
    templates: config.ZALO_OA_TEMPLATES,
    throttleRetryMs: config.ZALO_OA_THROTTLE_RETRY_MS,
    windowMs: config.ZALO_OA_WINDOW_DAYS * 86_400_000,
    lastInteraction: dbLastInteraction(db),
    ...(deps.rememberChoices ? { rememberChoices: deps.rememberChoices } : {}),
  });
}
