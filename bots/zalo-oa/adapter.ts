import type { ChannelAdapter, RequestProgress, SendPacing, SendResult, WebhookRequest } from "../../src/channels/adapter.js";
import { numberedFallback } from "../../src/channels/adapter.js";
import { ConfigFailure, OutsideWindow, Transient, isSendError, type SendError } from "../../src/channels/errors.js";
import type { Button, OutboundMessage, Recipient } from "../../src/channels/message.js";
import { splitText } from "../../src/channels/split-text.js";
import { idString } from "../../src/channels/json.js";
import { t } from "../../src/i18n/index.js";
import type { Logger } from "../../src/logger.js";
import type { ZaloOaClient } from "./client.js";
import { OA_TOKEN_INVALID, ZaloOaApiError, mapOaError } from "./errors.js";
import { encodeOaPayload, parseOaWebhook } from "./parse.js";
import { detectVariant, verifySignature, type SignatureSecrets, type SignatureVariant } from "./signature.js";
import { TokenUnavailableError, type TokenPair, type ZaloOaTokenStore } from "./tokens.js";
import type { LastInteractionLookup } from "./window.js";
import { remember } from "../../src/channels/remember-choices.js";

export const OA_TEXT_LIMIT = 2000;
/** Most buttons one OA message carries; more are sent as numbered text. */
export const OA_MAX_BUTTONS = 5;
const CS_PATH = "/v3.0/oa/message/cs";
const TEMPLATE_PATH = "/v3.0/oa/message/template";
/** Zalo's "invalid parameter": answered when /message/cs does not take our button template. */
const BAD_PARAM = -201;

export interface ZaloOaAdapterOptions {
  client: ZaloOaClient;
  tokens: ZaloOaTokenStore;
  logger: Logger;
  signature: { variant: SignatureVariant; secrets: SignatureSecrets };
  /** Ignore events addressed to other OAs of the same app. */
  oaId?: string | undefined;
  /** Send buttons as oa.query.hide payloads (else numbered text). */
  buttons: boolean;
  /** Message kind → approved template id, used for people outside the window. */
  templates: Record<string, string>;
  throttleRetryMs: number;
  /** The messaging window (Zalo: 7 days). */
  windowMs: number;
  lastInteraction: LastInteractionLookup;
  /** Remember numbered choices sent outside a conversation turn (see handlers/offered.ts). */
  rememberChoices?: (subscriberId: string, actions: string[]) => Promise<void>;
  now?: () => Date;
}

export interface ZaloOaAdapter extends ChannelAdapter {
  readonly tokens: ZaloOaTokenStore;
}

function oaButton(b: Button): Record<string, unknown> {
  return b.url
    ? { title: b.label.slice(0, 100), type: "oa.open.url", payload: { url: b.url } }
    : { title: b.label.slice(0, 100), type: "oa.query.hide", payload: encodeOaPayload(b.action) };
}

/**
 * The Zalo Official Account channel: customer-service messages over the OA Open API, buttons as hidden
 * query payloads, the 7-day rule enforced before sending, the token refreshed and the send retried once
 * on -216/-220, and every answer mapped to the closed SendError set.
 */
export function createZaloOaAdapter(opts: ZaloOaAdapterOptions): ZaloOaAdapter {
  const log = opts.logger.child({ component: "zalo-oa" });
  const now = opts.now ?? (() => new Date());
  let buttonsRefused = false;
  const reportedVariants = new Set<string>();

  /**
   * One API call with the current token; on -216/-220 refresh once (under the store's lock) and retry: the
   * retry is a call of its own, so it takes a slot of its own (the refused call reached the platform and
   * counts). Each call is reported to the send's pacing as written when handed to the HTTP client (after
   * the token is read) and answered when its answer came (a refusal is one too, a network failure is not).
   */
  async function call(path: string, body: unknown, pacing?: SendPacing): Promise<Record<string, unknown>> {
    let pair: TokenPair;
    try {
      pair = await opts.tokens.current();
    } catch (err) {
      throw tokenError(path, err);
    }
    try {
      return await post(path, body, pair.accessToken, pacing);
    } catch (err) {
      if (!(err instanceof ZaloOaApiError) || err.code === undefined || !OA_TOKEN_INVALID.includes(err.code)) throw err;
      log.warn("Zalo OA access token refused; refreshing", { code: err.code });
      try {
        pair = await opts.tokens.refresh(pair.version);
      } catch (e) {
        throw tokenError(path, e);
      }
      await pacing?.another();
      return post(path, body, pair.accessToken, pacing);
    }
  }

  /** One POST, its write and its answer reported to the pacing. */
  async function post(path: string, body: unknown, accessToken: string, progress?: RequestProgress): Promise<Record<string, unknown>> {
    progress?.written();
    try {
      const data = await opts.client.post(path, body, accessToken);
      progress?.answered();
      return data;
    } catch (err) {
      if (err instanceof ZaloOaApiError && (err.code !== undefined || err.httpStatus !== undefined)) progress?.answered();
      throw err;
    }
  }

  function tokenError(path: string, err: unknown): SendError {
    if (err instanceof TokenUnavailableError) {
      const details = { method: path, code: err.code, description: err.message, cause: err };
      return err.transient ? new Transient(details) : new ConfigFailure(details);
    }
    return new Transient({ method: path, description: (err as Error).message, cause: err });
  }

  function bodies(userId: string, message: OutboundMessage, withButtons: boolean): Record<string, unknown>[] {
    const flat = (message.buttons ?? []).flat();
    const useButtons = withButtons && flat.length > 0 && flat.length <= OA_MAX_BUTTONS;
    const text = useButtons || !flat.length ? message.text : numberedFallback(message);
    const parts = splitText(text, OA_TEXT_LIMIT);
    return parts.map((part, i) => {
      const msg: Record<string, unknown> = { text: part };
      if (useButtons && i === parts.length - 1) {
        msg.attachment = { type: "template", payload: { buttons: flat.map(oaButton) } };
      }
      return { recipient: { user_id: userId }, message: msg };
    });
  }

  async function sendCs(to: Recipient, message: OutboundMessage, pacing: SendPacing | undefined): Promise<SendResult & { numbered: boolean }> {
    const withButtons = opts.buttons && !buttonsRefused;
    const list = bodies(to.externalId, message, withButtons);
    let numbered = (list[list.length - 1]!.message as Record<string, unknown>).attachment === undefined;
    let last = "";
    for (let i = 0; i < list.length; i++) {
      const body = list[i]!;
      // Each call takes a slot of the channel's limit: the send holds one, further parts ask for theirs.
      if (i > 0) await pacing?.another();
      let data: Record<string, unknown>;
      try {
        data = await call(CS_PATH, body, pacing);
      } catch (err) {
        const hasButtons = (body.message as Record<string, unknown>).attachment !== undefined;
        if (err instanceof ZaloOaApiError && err.code === BAD_PARAM && hasButtons) {
          // /message/cs refused the button template: from now on send numbered text, and resend this one so.
          buttonsRefused = true;
          log.warn("Zalo OA refused button messages (-201); using numbered text choices from now on (set ZALO_OA_BUTTONS=false to skip this)");
          const rest = bodies(to.externalId, message, false);
          numbered = true;
          // The text parts before the last were sent already; only the last part (with its choices) differs.
          await pacing?.another();
          data = await call(CS_PATH, rest[rest.length - 1]!, pacing).catch((e: unknown) => {
            throw toSendError(CS_PATH, e, rest[rest.length - 1]);
          });
        } else {
          throw toSendError(CS_PATH, err, body);
        }
      }
      last = idString(data.message_id);
    }
    return { externalId: last, numbered };
  }

  async function sendTemplate(to: Recipient, templateId: string, message: OutboundMessage, pacing: SendPacing | undefined): Promise<SendResult> {
    const body = { user_id: to.externalId, template_id: templateId, template_data: { text: message.text.slice(0, OA_TEXT_LIMIT) } };
    try {
      const data = await call(TEMPLATE_PATH, body, pacing);
      return { externalId: idString(data.msg_id ?? data.message_id) };
    } catch (err) {
      throw toSendError(TEMPLATE_PATH, err, { ...body, template_data: "(omitted)" });
    }
  }

  function toSendError(path: string, err: unknown, payload: unknown): SendError {
    if (isSendError(err)) return err;
    if (err instanceof ZaloOaApiError) return mapOaError(err, { throttleRetryMs: opts.throttleRetryMs }, payload);
    return new Transient({ method: path, description: (err as Error).message, cause: err });
  }

  return {
    name: "zalo-oa",
    supportsButtons: opts.buttons,
    recipientWindow: true,
    tokens: opts.tokens,
    webhook: { path: "zalo-oa", ackFirst: true },

    async send(to, message, meta) {
      // Read with the claim by the delivery worker (no query between the send's slot and its call); else now.
      const info = to.window ?? (await opts.lastInteraction(to.subscriberId));
      const kind = meta?.kind;
      const template = kind ? opts.templates[kind] : undefined;
      let msg = message;
      if (kind === "announcement") {
        msg = { ...message, text: `${message.text}\n\n${t(info?.locale, "zalo.replyToKeepWindow", { days: Math.round(opts.windowMs / 86_400_000) })}` };
      }
      const last = info?.lastInteractionAt;
      if (last && now().getTime() - last.getTime() > opts.windowMs) {
        if (template) return sendTemplate(to, template, msg, meta?.pacing);
        throw new OutsideWindow({
          method: CS_PATH,
          description: `last interaction ${last.toISOString()}, more than ${Math.round(opts.windowMs / 86_400_000)} days ago; not attempted`,
        });
      }
      try {
        const { externalId, numbered } = await sendCs(to, msg, meta?.pacing);
        if (numbered) await remember(opts.rememberChoices, to.subscriberId, msg, kind, log);
        return { externalId };
      } catch (err) {
        if (template && isSendError(err) && err.kind === "outside_window") {
          // After a refused /message/cs call, the template is a further call: it takes a slot of its own.
          await meta?.pacing?.another();
          return sendTemplate(to, template, msg, meta?.pacing);
        }
        throw err;
      }
    },

    parseInbound(raw) {
      const { events, ignored } = parseOaWebhook(raw, opts.oaId);
      if (ignored) log.info("Zalo OA event ignored", ignored);
      return events;
    },

    verifyWebhook(req: WebhookRequest) {
      const raw = req.rawBody.toString("utf8");
      const header = req.headers["x-zevent-signature"];
      const { variant, secrets } = opts.signature;
      if (verifySignature(variant, secrets, raw, header)) return true;
      const other = header === undefined ? null : detectVariant(secrets, raw, header);
      if (other && !reportedVariants.has(other)) {
        reportedVariants.add(other);
        log.warn("Zalo OA webhook signed with another formula than configured; set ZALO_OA_SIGNATURE_VARIANT to it", { configured: variant, matches: other });
      } else {
        log.warn("Zalo OA webhook with a missing or wrong signature refused", { hasHeader: header !== undefined });
      }
      return false;
    },
  };
}
