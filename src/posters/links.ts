import type { Config } from "../config.js";
import type { FieldProblem } from "../errors.js";
import type { MessageKey } from "../i18n/index.js";

export type PosterChannel = "telegram" | "zalo-oa" | "zalo-bot";

/** One QR code of a poster: the channel, its label (a catalogue key) and the link the code opens. */
export interface PosterLink {
  channel: PosterChannel;
  label: MessageKey;
  url: string;
}

/** What decides the poster's codes: which channels are on, and the public handle each is reached by. */
export interface PosterLinkSettings {
  telegram: { enabled: boolean; username?: string | undefined };
  zaloOa: { enabled: boolean; oaId?: string | undefined };
  zaloBot: { enabled: boolean; link?: string | undefined };
}

/** The channels as configured: on when their credentials are set (as in bots/index.ts). */
export function posterLinkSettings(config: Config): PosterLinkSettings {
  return {
    telegram: { enabled: Boolean(config.TELEGRAM_BOT_TOKEN), username: config.TELEGRAM_BOT_USERNAME },
    zaloOa: { enabled: Boolean(config.ZALO_OA_APP_ID && config.ZALO_OA_APP_SECRET && config.ZALO_OA_SECRET_KEY), oaId: config.ZALO_OA_ID },
    zaloBot: { enabled: Boolean(config.ZALO_BOT_TOKEN), link: config.ZALO_BOT_LINK },
  };
}

export type PosterLinksResult = { ok: true; links: PosterLink[] } | { ok: false; missing: FieldProblem[] };

/**
 * The links of a commune's poster, one per enabled channel that has a public link: Telegram's deep link
 * subscribes straight to the commune (`?start=c_<code>`, as handlers/route.ts reads it), Zalo OA opens the
 * OA, Zalo Bot its link when one is configured (optional). An enabled Telegram or Zalo OA without its
 * public handle, or no channel at all, is a configuration gap: `missing` names the variables to set.
 */
export function posterLinks(settings: PosterLinkSettings, communeCode: string): PosterLinksResult {
  const links: PosterLink[] = [];
  const missing: FieldProblem[] = [];
  const { telegram, zaloOa, zaloBot } = settings;
  if (telegram.enabled) {
    if (telegram.username) {
      links.push({ channel: "telegram", label: "poster.channel.telegram", url: `https://t.me/${telegram.username}?start=c_${encodeURIComponent(communeCode)}` });
    } else {
      missing.push({ field: "TELEGRAM_BOT_USERNAME", message: "Telegram is on: set the bot's username (without @) for its deep link" });
    }
  }
  if (zaloOa.enabled) {
    if (zaloOa.oaId) links.push({ channel: "zalo-oa", label: "poster.channel.zaloOa", url: `https://zalo.me/${encodeURIComponent(zaloOa.oaId)}` });
    else missing.push({ field: "ZALO_OA_ID", message: "Zalo OA is on: set the OA id for its https://zalo.me/<id> link" });
  }
  if (zaloBot.enabled && zaloBot.link) links.push({ channel: "zalo-bot", label: "poster.channel.zaloBot", url: zaloBot.link });
  if (missing.length) return { ok: false, missing };
  if (!links.length) {
    return {
      ok: false,
      missing: [
        { field: "TELEGRAM_BOT_USERNAME", message: "with TELEGRAM_BOT_TOKEN: a Telegram code" },
        { field: "ZALO_OA_ID", message: "with ZALO_OA_APP_ID, ZALO_OA_APP_SECRET and ZALO_OA_SECRET_KEY: a Zalo OA code" },
        { field: "ZALO_BOT_LINK", message: "with ZALO_BOT_TOKEN: a Zalo Bot code" },
      ],
    };
  }
  return { ok: true, links };
}
