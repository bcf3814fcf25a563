import { createHash, timingSafeEqual } from "node:crypto";
import { Api, GrammyError } from "grammy";
import { autoRetry } from "@grammyjs/auto-retry";
import type { ChannelAdapter, InboundEvent, RequestProgress, SendMeta, SendResult, WebhookRequest } from "../../src/channels/adapter.js";
import { Permanent } from "../../src/channels/errors.js";
import type { OutboundMessage, Recipient } from "../../src/channels/message.js";
import { t, type Locale } from "../../src/i18n/index.js";
import type { Logger } from "../../src/logger.js";
import { mapTelegramError, scrub } from "./errors.js";
import { createTelegramFetch } from "./fetch.js";
import { parseTelegramUpdate } from "./parse.js";
import { createPoller, type Poller } from "./polling.js";
import { RenderError, toSendMessagePayloads } from "./render.js";

export type TelegramMode = "webhook" | "polling";

export interface TelegramChannelOptions {
  token: string;
  /** Bot API root without a trailing slash (https://api.telegram.org or a self-hosted server). */
  apiRoot: string;
  mode: TelegramMode;
  /** Required in webhook mode: registered with setWebhook, checked on every webhook call. */
  webhookSecret?: string;
  /** Public base URL of this service; in webhook mode the webhook is registered at <base>/webhooks/telegram. */
  publicBaseUrl?: string;
  logger: Logger;
  /** Per-request timeout for sends and set-up calls (seconds). */
  requestTimeoutSeconds?: number;
  /** Long-polling timeout (seconds) and least interval between polls (ms). */
  pollTimeoutSeconds?: number;
  pollMinIntervalMs?: number;
}

/** The update types the bot asks for (webhook and polling). */
export const ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"] as const;
export const WEBHOOK_PATH = "telegram";
/** The command menu, in order; descriptions come from the message catalogue. */
const COMMANDS = [
  { command: "start", key: "tg.cmd.start" },
  { command: "subs", key: "tg.cmd.subs" },
  { command: "help", key: "tg.cmd.help" },
  { command: "stop", key: "tg.cmd.stop" },
] as const;

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

/**
 * The Telegram channel (grammY's Api, no Bot/middleware): sends with inline keyboards, parses updates,
 * checks the webhook secret, answers button presses, and in polling mode runs a getUpdates loop.
 * sendMessage goes through its own Api without transformers: every 429, 5xx and network failure surfaces
 * as a SendError so the delivery worker decides (a 429 pauses the channel). `@grammyjs/auto-retry` is kept
 * for the set-up calls and answerCallbackQuery (short waits only: retry_after ≤ 3 s, 2 attempts).
 * Both use a light keep-alive fetch (./fetch.ts) instead of node-fetch.
 */
export function createTelegramChannel(opts: TelegramChannelOptions): ChannelAdapter {
  const { token, logger } = opts;
  if (opts.mode === "webhook" && !opts.webhookSecret) throw new Error("TELEGRAM_WEBHOOK_SECRET is required in webhook mode");
  const timeoutSeconds = opts.requestTimeoutSeconds ?? 20;
  const pollTimeout = opts.pollTimeoutSeconds ?? 25;

  const { fetch, postJson } = createTelegramFetch(opts.apiRoot);
  // Housekeeping calls (setMyCommands, setWebhook, deleteWebhook, answerCallbackQuery): auto-retry waits
  // out short 429s in place, nobody else would retry them.
  const api = new Api(token, { apiRoot: opts.apiRoot, timeoutSeconds, fetch });
  api.config.use(autoRetry({ maxDelaySeconds: 3, maxRetryAttempts: 2, rethrowInternalServerErrors: true, rethrowHttpErrors: true }));
  // sendMessage: a direct JSON POST (the worker's hot path; grammY's client costs a payload walk, an
  // AbortController and a transformer chain per call), no retries. Every 429 surfaces as Throttled so the
  // delivery worker pauses the whole channel for retry_after; the worker, not the adapter, turns errors into
  // retries. A Bot API error becomes the GrammyError grammY would throw, mapped by mapTelegramError.
  async function sendMessage(payload: Record<string, unknown>, progress?: RequestProgress): Promise<{ message_id: number }> {
    const answer = await postJson(token, "sendMessage", JSON.stringify(payload), timeoutSeconds * 1000, progress);
    if (answer.ok) return answer.result as { message_id: number };
    throw new GrammyError("Call to 'sendMessage' failed!", { ok: false, error_code: answer.error_code ?? 500, description: answer.description ?? "", parameters: answer.parameters ?? {} }, "sendMessage", payload);
  }
  // Long polling holds a request open for pollTimeout seconds: its own client with a longer timeout.
  const pollApi = new Api(token, { apiRoot: opts.apiRoot, timeoutSeconds: pollTimeout + 15, fetch });
  pollApi.config.use(autoRetry({ maxDelaySeconds: 3, maxRetryAttempts: 2, rethrowInternalServerErrors: true, rethrowHttpErrors: true }));
  const expectedSecret = opts.webhookSecret ? digest(opts.webhookSecret) : undefined;
  const warned = new Set<string>();
  let poller: Poller | null = null;

  /** A set-up call that may fail (an emulator without the method, a network hiccup): log once, continue. */
  async function tolerant(method: string, call: () => Promise<unknown>): Promise<boolean> {
    try {
      await call();
      return true;
    } catch (err) {
      const e = mapTelegramError(err, method, undefined, token);
      if (!warned.has(method)) {
        warned.add(method);
        logger.warn(`Telegram ${method} failed; continuing without it`, { method, error: e.detail });
      }
      return false;
    }
  }

  async function setUp(): Promise<void> {
    for (const locale of ["vi", "en"] as Locale[]) {
      const commands = COMMANDS.map((c) => ({ command: c.command, description: t(locale, c.key) }));
      await tolerant("setMyCommands", () =>
        locale === "vi" ? api.setMyCommands(commands) : api.setMyCommands(commands, { language_code: locale }),
      );
    }
    if (opts.mode === "polling") {
      await tolerant("deleteWebhook", () => api.deleteWebhook({ drop_pending_updates: false }));
      return;
    }
    if (!opts.publicBaseUrl) {
      logger.warn("Telegram webhook mode without PUBLIC_BASE_URL: register the webhook yourself (setWebhook with secret_token) at <public URL>/webhooks/telegram");
      return;
    }
    const url = `${opts.publicBaseUrl.replace(/\/+$/, "")}/webhooks/${WEBHOOK_PATH}`;
    const ok = await tolerant("setWebhook", () =>
      api.setWebhook(url, { secret_token: opts.webhookSecret, allowed_updates: [...ALLOWED_UPDATES], drop_pending_updates: false }),
    );
    if (ok) logger.info("Telegram webhook registered", { url });
  }

  const adapter: ChannelAdapter = {
    name: "telegram",
    supportsButtons: true,

    async send(to: Recipient, message: OutboundMessage, meta?: SendMeta): Promise<SendResult> {
      let payloads;
      try {
        payloads = toSendMessagePayloads(to.externalId, message);
      } catch (err) {
        if (err instanceof RenderError) throw new Permanent({ method: "sendMessage", description: err.message, payload: message });
        throw err;
      }
      let last = "";
      const pacing = meta?.pacing;
      for (const [i, payload] of payloads.entries()) {
        if (i > 0) await pacing?.another();
        try {
          const sent = await sendMessage(payload as unknown as Record<string, unknown>, pacing);
          last = String(sent.message_id);
        } catch (err) {
          throw mapTelegramError(err, "sendMessage", payload, token);
        }
      }
      return { externalId: last };
    },

    parseInbound(raw: unknown): InboundEvent[] {
      return parseTelegramUpdate(raw);
    },

    ...(opts.mode === "webhook" ? { webhook: { path: WEBHOOK_PATH, ackFirst: false } } : {}),

    verifyWebhook(req: WebhookRequest): boolean {
      if (!expectedSecret) return false;
      const header = req.headers["x-telegram-bot-api-secret-token"];
      const given = Array.isArray(header) ? header[0] : header;
      if (typeof given !== "string" || given === "") return false;
      return timingSafeEqual(digest(given), expectedSecret);
    },

    async acknowledge(event: InboundEvent): Promise<void> {
      if (event.type !== "action" || !event.callbackId) return;
      try {
        await api.answerCallbackQuery(event.callbackId);
      } catch (err) {
        // "query is too old" after a restart or a replay: nothing to do, the press was handled.
        logger.debug("answerCallbackQuery failed", { error: mapTelegramError(err, "answerCallbackQuery", undefined, token).detail });
      }
    },

    // A webhook reply: Telegram performs the method given in the answer to its webhook call, so a button
    // press costs no request of ours (one method per answer: one update per call, one press in it).
    acknowledgeInWebhookAnswer(events: InboundEvent[]): Record<string, unknown> | undefined {
      const presses = events.filter((e) => e.type === "action" && e.callbackId);
      if (presses.length !== 1 || presses[0]!.type !== "action") return undefined;
      return { method: "answerCallbackQuery", callback_query_id: presses[0]!.callbackId };
    },

    async startIntake(onEvents: (events: InboundEvent[]) => Promise<void>): Promise<void> {
      await setUp();
      if (opts.mode !== "polling" || poller) return;
      poller = createPoller({
        api: pollApi,
        logger: logger.child({ component: "telegram-polling" }),
        allowedUpdates: ALLOWED_UPDATES,
        timeoutSeconds: pollTimeout,
        minIntervalMs: opts.pollMinIntervalMs,
        describeError: (err) => mapTelegramError(err, "getUpdates", undefined, token).detail,
        onUpdate: async (update) => {
          const events = parseTelegramUpdate(update);
          if (events.length) await onEvents(events);
        },
      });
      poller.start();
      logger.info("Telegram long polling started");
    },

    async stopIntake(): Promise<void> {
      const p = poller;
      poller = null;
      await p?.stop();
    },
  };
  logger.debug("Telegram channel created", { mode: opts.mode, apiRoot: scrub(opts.apiRoot, token) });
  return adapter;
}
