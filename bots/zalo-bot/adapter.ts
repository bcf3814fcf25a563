import { timingSafeEqual, createHash } from "node:crypto";
import type { ChannelAdapter, InboundEvent, WebhookRequest } from "../../src/channels/adapter.js";
import { numberedFallback } from "../../src/channels/adapter.js";
import { Transient } from "../../src/channels/errors.js";
import { splitText } from "../../src/channels/split-text.js";
import { idString } from "../../src/channels/json.js";
import type { Logger } from "../../src/logger.js";
import { remember } from "../../src/channels/remember-choices.js";
import type { ZaloBotClient } from "./client.js";
import { ZaloBotApiError, mapBotError } from "./errors.js";
import { parseBotUpdate } from "./parse.js";

export const BOT_TEXT_LIMIT = 2000;

export interface ZaloBotAdapterOptions {
  client: ZaloBotClient;
  logger: Logger;
  mode: "webhook" | "polling";
  /** Required in webhook mode: compared (constant time) to X-Bot-Api-Secret-Token. */
  webhookSecret?: string | undefined;
  /** Webhook mode: when set, setWebhook(<base>/webhooks/zalo-bot, secret) is called at start. */
  publicBaseUrl?: string | undefined;
  /** getUpdates long-poll timeout, seconds. */
  pollTimeoutS?: number;
  /** Pause after a 429 (the Bot API gives no retry_after). */
  throttleRetryMs?: number;
  /** Wait after a failed poll before the next one. */
  pollErrorBackoffMs?: number;
  /**
   * Called after a message that is not a reply to the person (announcement, reminder…) went out with
   * numbered choices, with their actions in order, so that typing "2" later presses the second one.
   */
  rememberChoices?: (subscriberId: string, actions: string[]) => Promise<void>;
}

function sameSecret(given: string | string[] | undefined, expected: string): boolean {
  const g = Array.isArray(given) ? given[0] : given;
  if (typeof g !== "string") return false;
  // Hash both sides so lengths match and the comparison leaks nothing about the secret's length.
  const a = createHash("sha256").update(g).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * The Zalo Bot channel (Telegram-like): sendMessage with text split at 2,000 characters, no buttons
 * (numbered choices instead), webhook with a secret header, or long polling with getUpdates.
 */
export function createZaloBotAdapter(opts: ZaloBotAdapterOptions): ChannelAdapter {
  const log = opts.logger.child({ component: "zalo-bot" });
  const throttleRetryMs = opts.throttleRetryMs ?? 30_000;
  const pollTimeoutS = opts.pollTimeoutS ?? 30;
  const backoffMs = opts.pollErrorBackoffMs ?? 2_000;
  let polling: { stop: AbortController; loop: Promise<void> } | null = null;

  function parse(raw: unknown): InboundEvent[] {
    const { events, ignored } = parseBotUpdate(raw);
    if (ignored) log.info("Zalo Bot update ignored", ignored);
    return events;
  }

  async function pollLoop(onEvents: (events: InboundEvent[]) => Promise<void>, abort: AbortController) {
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        abort.signal.addEventListener("abort", () => { clearTimeout(timer); resolve(); }, { once: true });
      });
    while (!abort.signal.aborted) {
      let update: unknown;
      try {
        update = await opts.client.call("getUpdates", { timeout: String(pollTimeoutS) }, { signal: abort.signal, timeoutMs: (pollTimeoutS + 10) * 1000 });
      } catch (err) {
        if (abort.signal.aborted) break;
        if (err instanceof ZaloBotApiError && err.code === 408) continue; // an empty long poll
        log.warn("Zalo Bot getUpdates failed", { code: err instanceof ZaloBotApiError ? err.code : undefined, description: (err as Error).message });
        await sleep(err instanceof ZaloBotApiError && err.code === 429 ? throttleRetryMs : backoffMs);
        continue;
      }
      const list = Array.isArray(update) ? update : update ? [update] : [];
      for (const u of list) {
        const events = parse(u);
        if (!events.length) continue;
        try {
          await onEvents(events);
        } catch (err) {
          log.error("Zalo Bot update processing failed", { err });
        }
      }
    }
  }

  const adapter: ChannelAdapter = {
    name: "zalo-bot",
    supportsButtons: false,

    async send(to, message, meta) {
      const parts = splitText(numberedFallback(message), BOT_TEXT_LIMIT);
      let last = "";
      for (const [i, text] of parts.entries()) {
        // Each part is a call of its own: it takes a slot of the channel's limit.
        if (i > 0) await meta?.pacing?.another();
        const payload = { chat_id: to.externalId, text };
        try {
          // Counted by the limiter from here, the call handed to the HTTP client (the platform judges on arrival).
          meta?.pacing?.written();
          const result = await opts.client.call<{ message_id?: unknown }>("sendMessage", payload);
          meta?.pacing?.answered();
          last = idString(result?.message_id);
        } catch (err) {
          if (err instanceof ZaloBotApiError) {
            // A refusal is an answer too (for the limiter); a network failure (no code) is not one.
            if (err.code !== undefined) meta?.pacing?.answered();
            throw mapBotError(err, throttleRetryMs, { chat_id: to.externalId });
          }
          throw new Transient({ method: "sendMessage", description: (err as Error).message, cause: err });
        }
      }
      await remember(opts.rememberChoices, to.subscriberId, message, meta?.kind, log);
      return { externalId: last };
    },

    parseInbound: parse,
  };

  if (opts.mode === "webhook") {
    const secret = opts.webhookSecret;
    Object.assign(adapter, {
      webhook: { path: "zalo-bot", ackFirst: false },
      /** Webhook mode receives over HTTP; starting only registers the webhook when the public URL is known. */
      async startIntake() {
        if (!opts.publicBaseUrl) {
          log.warn("Zalo Bot webhook mode without PUBLIC_BASE_URL: register the webhook yourself (setWebhook with secret_token) at <public URL>/webhooks/zalo-bot");
          return;
        }
        const url = `${opts.publicBaseUrl.replace(/\/+$/, "")}/webhooks/zalo-bot`;
        try {
          await opts.client.call("setWebhook", { url, secret_token: secret });
          log.info("Zalo Bot webhook registered", { url });
        } catch (err) {
          log.warn("Zalo Bot setWebhook failed; register it yourself", { url, description: (err as Error).message });
        }
      },
      stopIntake: () => Promise.resolve(),
      verifyWebhook(req: WebhookRequest) {
        const ok = !!secret && sameSecret(req.headers["x-bot-api-secret-token"], secret);
        if (!ok) log.warn("Zalo Bot webhook with a missing or wrong secret token refused");
        return ok;
      },
    });
  } else {
    Object.assign(adapter, {
      async startIntake(onEvents: (events: InboundEvent[]) => Promise<void>) {
        if (polling) return;
        try {
          await opts.client.call("deleteWebhook");
        } catch (err) {
          log.warn("Zalo Bot deleteWebhook failed; polling anyway", { description: (err as Error).message });
        }
        const stop = new AbortController();
        polling = { stop, loop: pollLoop(onEvents, stop) };
        log.info("Zalo Bot polling started");
      },
      async stopIntake() {
        const p = polling;
        if (!p) return;
        polling = null;
        p.stop.abort();
        await p.loop;
        log.info("Zalo Bot polling stopped");
      },
    });
  }
  return adapter;
}
