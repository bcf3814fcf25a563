import { createTelegramChannel } from "../../bots/telegram/index.js";
import { createZaloBotAdapter } from "../../bots/zalo-bot/adapter.js";
import { createZaloBotClient } from "../../bots/zalo-bot/client.js";
import type { ChannelAdapter } from "../../src/channels/adapter.js";
import type { Recipient } from "../../src/channels/message.js";
import type { ChannelName } from "../../src/db/schema/residents.js";
import type { Db } from "../../src/db/client.js";
import { startFakeTelegramApi } from "../fakes/telegram-api.js";
import { bigId, startFakeZaloOa } from "../fakes/zalo-oa-api.js";
import { startFakeZaloBot } from "../fakes/zalo-bot-api.js";
import { quietLogger } from "./database.js";
import { oaAdapterOnFake } from "./zalo-oa.js";

/**
 * A real channel adapter talking to its local fake, with the platform's answers scriptable in one
 * vocabulary (the adapter contract test runs the same script on every channel). Each `script…` makes
 * the NEXT send to `to` get that answer.
 */
export interface ChannelOnFake {
  name: ChannelName;
  /** The adapter as the service builds it, pointed at the fake. */
  adapter: ChannelAdapter;
  /** A person the fake will deliver to. */
  to: Recipient;
  /** Texts the fake accepted for `to`. */
  delivered(): string[];
  script: {
    /** Rate limited; the platform asks for `retryAfterMs` (or the adapter's configured pause is this). */
    throttled: () => void;
    /** The person blocked the bot or unfollowed the OA. */
    recipientGone: () => void;
    /** The platform failed (HTTP 5xx). */
    serverError: () => void;
    /** The connection dropped with no answer. */
    dropConnection: () => void;
    /** The platform refused this request for good (HTTP 400). */
    badRequest: () => void;
    /** Zalo OA only: the person is outside the 7-day window. */
    outsideWindow?: () => void;
  };
  /** The same adapter with a wrong or revoked token. */
  misconfigured(): Promise<ChannelAdapter>;
  close(): Promise<void>;
}

/** The pause every adapter reports for a rate limit in the contract test (Telegram's is the platform's retry_after). */
export const CONTRACT_RETRY_AFTER_MS = 3000;

export async function telegramOnFake(): Promise<ChannelOnFake> {
  const fake = await startFakeTelegramApi({ retryAfterSeconds: CONTRACT_RETRY_AFTER_MS / 1000 });
  const make = (token: string) =>
    createTelegramChannel({ token, apiRoot: fake.apiRoot, mode: "polling", logger: quietLogger(), requestTimeoutSeconds: 5 });
  const to = { subscriberId: "s-telegram", externalId: "4242" };
  return {
    name: "telegram",
    adapter: make("123456789:AAFakeTokenForTestsOnly_abcdefghijklmn"),
    to,
    delivered: () => fake.messages(to.externalId).map((m) => m.text),
    script: {
      // A token bucket so small that the next send finds it empty: 429 with retry_after.
      throttled: () => fake.configure({ rateLimitPerSecond: 1e-9, limitMode: "bucket" }),
      recipientGone: () => fake.failChat(to.externalId, "blocked", 1),
      serverError: () => fake.failChat(to.externalId, "server_error", 1),
      dropConnection: () => fake.failChat(to.externalId, "drop", 1),
      badRequest: () => fake.failChat(to.externalId, "bad_request", 1),
    },
    misconfigured: () => Promise.resolve(make("bad-token:revoked")),
    close: () => fake.close(),
  };
}

/** Zalo OA keeps its token pair in the database: `db` holds the token store's row. */
export async function zaloOaOnFake(db: Db): Promise<ChannelOnFake> {
  const fake = await startFakeZaloOa();
  const make = () => {
    const adapter = oaAdapterOnFake(db, fake, { throttleRetryMs: CONTRACT_RETRY_AFTER_MS });
    return { adapter, tokens: adapter.tokens };
  };
  const to = { subscriberId: "s-zalo-oa", externalId: bigId() };
  fake.setLastInteraction(to.externalId, Date.now());
  const { adapter, tokens } = make();
  await tokens.set({ accessToken: fake.accessToken, refreshToken: fake.refreshToken, expiresInSeconds: 90_000 });
  return {
    name: "zalo-oa",
    adapter,
    to,
    delivered: () => fake.textsTo(to.externalId),
    script: {
      throttled: () => fake.throttleNext(1),
      recipientGone: () => fake.failNext(-213, "User has unfollowed the OA"),
      serverError: () => fake.failNextHttp(502),
      dropConnection: () => fake.dropNext(1),
      badRequest: () => fake.failNextHttp(400),
      outsideWindow: () => fake.setLastInteraction(to.externalId, Date.now() - 8 * 86_400_000),
    },
    async misconfigured() {
      // A revoked pair: the access token is refused and so is the refresh.
      const revoked = make();
      await revoked.tokens.set({ accessToken: "revoked-access", refreshToken: "revoked-refresh", expiresInSeconds: 90_000 });
      return revoked.adapter;
    },
    close: () => fake.close(),
  };
}

export async function zaloBotOnFake(): Promise<ChannelOnFake> {
  const fake = await startFakeZaloBot();
  const make = (token: string) =>
    createZaloBotAdapter({
      client: createZaloBotClient({ apiBase: fake.url, token }),
      logger: quietLogger(),
      mode: "webhook",
      webhookSecret: "s3cret-token",
      throttleRetryMs: CONTRACT_RETRY_AFTER_MS,
      pollTimeoutS: 1,
      pollErrorBackoffMs: 20,
    });
  const to = { subscriberId: "s-zalo-bot", externalId: "chat-1" };
  return {
    name: "zalo-bot",
    adapter: make(fake.token),
    to,
    delivered: () => fake.textsTo(to.externalId),
    script: {
      throttled: () => fake.throttleNext(1),
      recipientGone: () => fake.block(to.externalId),
      serverError: () => fake.failNext(502, "Bad Gateway"),
      dropConnection: () => fake.dropNext(1),
      badRequest: () => fake.failNext(400, "Bad Request: message is invalid"),
    },
    misconfigured: () => Promise.resolve(make("1234567:revoked")),
    close: () => fake.close(),
  };
}
