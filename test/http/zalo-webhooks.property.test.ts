import { createHash } from "node:crypto";
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeSignature } from "../../bots/zalo-oa/signature.js";
import { parseJsonKeepingBigInts } from "../../src/channels/json.js";
import { sanitizeInboundEvent } from "../../src/channels/sanitize.js";
import { queryRows } from "../../src/db/client.js";
import { headerValue, nastyConstants, nastyNumber, nastyString } from "../support/arbitraries.js";
import { watchResidentText } from "../support/log-watch.js";
import { databaseKinds } from "../support/database.js";
import type { TestService } from "../support/service.js";
import { startServiceWithFakeOa } from "../support/zalo-oa.js";
import { startFakeZaloBot, type FakeZaloBot } from "../fakes/zalo-bot-api.js";
import { startFakeZaloOa, type FakeZaloOa } from "../fakes/zalo-oa-api.js";

const BOT_SECRET = "zalo-bot-webhook-secret-prop-0123";

/** What residents type, and what breaks services: commands, payloads, nasty strings. */
const chatText = fc.oneof(
  nastyString,
  nastyString.map((s) => "/start " + s),
  nastyString.map((s) => "#gopy:" + s),
  fc.constantFrom("/start", "/dulieu", "STOP", "mai pha", "1", "#gopy:consent:yes", "answer:00000000-0000-4000-8000-000000000000", "/start i_\u0000", "mai\u0000 pha"),
);
/** Ids as platforms send them (decimal beyond 2^53, uuid-like) and as they should never be. */
const platformId = fc.oneof(fc.bigInt({ min: 10n ** 17n, max: 10n ** 19n }).map(String), fc.uuid(), nastyString, nastyNumber);
/** Mostly a plausible id, now and then a nasty one. */
const mostlyGoodId = fc.oneof({ weight: 2, arbitrary: fc.bigInt({ min: 10n ** 17n, max: 10n ** 19n }).map(String) }, { weight: 1, arbitrary: platformId });
/** Now-ish, in ms (what the platforms send), for dates that are believed. */
const recentMs = fc.integer({ min: Date.now() - 86_400_000, max: Date.now() });
const platformTime = fc.oneof(recentMs.map(String), nastyString, nastyNumber);
/** Sometimes a long numeric id unquoted in the raw JSON, as Zalo sends ids beyond 2^53. */
const rawJson = (value: unknown, unquote: boolean) => {
  const raw = JSON.stringify(value) ?? "null";
  return unquote ? raw.replace(/"id":"(\d{16,})"/g, '"id":$1') : raw;
};
/**
 * Headers a client may add: retries, request ids, content types, and now and then a content encoding the body
 * does not have (refused before the signature is looked at: a 4xx, not a 401).
 */
const extraHeaders = fc
  .tuple(
    fc.record(
      {
        num_retry: headerValue,
        "x-request-id": headerValue,
        "content-type": fc.oneof(fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"), headerValue),
      },
      { requiredKeys: [] },
    ),
    fc.oneof({ weight: 8, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom("gzip", "deflate", "br", "identity", "x-unknown") }),
  )
  .map(([h, encoding]): Record<string, string> => (encoding === null ? h : { ...h, "content-encoding": encoding }));
/** The status a forged request gets: 401, or another 4xx when its body could not even be read. */
const refusedStatus = (headers: Record<string, string>) =>
  (headers["content-encoding"] ?? "identity") === "identity" ? [401] : [400, 401, 415];

/**
 * Arbitrary bodies, headers and strings on the two Zalo webhooks (the API routes, the Telegram webhook and the
 * simulator are in input.property.test.ts): with a valid signature or secret, so the body reaches parsing, and
 * with forged ones. Never a 5xx; a refused request writes nothing; an accepted update is handled (its update
 * key stored, by the same transaction as everything the turn writes) or ignored with nothing written.
 */
describe.each(databaseKinds)("arbitrary input on the Zalo webhooks (%s)", (kind) => {
  let oa: FakeZaloOa;
  let bot: FakeZaloBot;
  let svc: TestService;

  beforeAll(async () => {
    oa = await startFakeZaloOa();
    bot = await startFakeZaloBot();
    svc = await startServiceWithFakeOa(kind, oa, {
      ZALO_BOT_TOKEN: bot.token, ZALO_BOT_WEBHOOK_SECRET: BOT_SECRET, ZALO_BOT_API_BASE: bot.url, PUBLIC_BASE_URL: "https://gopy.example.gov.vn",
    });
  });
  afterAll(async () => {
    await svc?.stop();
    await oa?.close();
    await bot?.close();
  });

  const counts = async () =>
    (await queryRows<Record<string, number>>(svc.database.db, sql`select
      (select count(*)::int from subscribers) s, (select count(*)::int from inbound_updates) u,
      (select count(*)::int from answers) a, (select count(*)::int from comments) c,
      (select count(*)::int from consents) k, (select count(*)::int from deliveries) d`))[0]!;

  /** The update keys the channel's parser finds in a body, cleaned as dispatch cleans them (none: ignored). */
  function updateKeys(channel: "zalo-oa" | "zalo-bot", raw: string): string[] {
    let parsed: unknown;
    try {
      parsed = parseJsonKeepingBigInts(raw);
    } catch {
      return [];
    }
    return svc.channels.find((c) => c.name === channel)!.parseInbound(parsed).map((e) => sanitizeInboundEvent(e).updateKey);
  }
  /** Update keys are stored hashed (nothing of a person's platform id remains in them). */
  const storedKeys = async (channel: string, keys: string[]) => {
    const hashed = keys.map((k) => createHash("sha256").update(k, "utf8").digest("base64url"));
    const rows = await queryRows<{ update_key: string }>(svc.database.db, sql`
      select update_key from inbound_updates where channel = ${channel} and update_key in (${sql.join(hashed.map((h) => sql`${h}`), sql`, `)})`);
    return hashed.filter((h) => rows.some((r) => r.update_key === h)).length;
  };

  /**
   * The texts of the messages in a body are residents' texts for the log watch (log-watch.ts), except the shared
   * nasty constants: the same bodies carry those as ids, names, dates and event names, which may be logged.
   */
  function watchTexts(channel: "zalo-oa" | "zalo-bot", raw: string) {
    let parsed: unknown;
    try {
      parsed = parseJsonKeepingBigInts(raw);
    } catch {
      return;
    }
    for (const e of svc.channels.find((c) => c.name === channel)!.parseInbound(parsed)) {
      if (e.type === "text" && !nastyConstants.includes(e.text)) watchResidentText(e.text);
    }
  }

  async function post(channel: "zalo-oa" | "zalo-bot", rawBody: string, headers: Record<string, string>) {
    watchTexts(channel, rawBody);
    const before = await counts();
    const res = await svc.api("POST", `/webhooks/${channel}`, { rawBody, headers });
    // Zalo OA answers first and handles after: wait for that before looking at what was written.
    await svc.settleInbound();
    const what = `${channel} ${JSON.stringify(headers)} ${JSON.stringify(rawBody.slice(0, 300))} → ${res.status} ${res.text.slice(0, 200)}`;
    expect(res.status, what).toBeLessThan(500);
    return { res, before, what };
  }

  /** A refused request (any 4xx) writes nothing. */
  async function expectNothingWritten(before: Record<string, number>, what: string) {
    expect(await counts(), what).toEqual(before);
  }

  /** An accepted one: every event in it handled (its key stored), or, with no event in it, nothing written. */
  async function expectHandledOrIgnored(channel: "zalo-oa" | "zalo-bot", rawBody: string, before: Record<string, number>, what: string) {
    const keys = updateKeys(channel, rawBody);
    if (!keys.length) await expectNothingWritten(before, what);
    else expect(await storedKeys(channel, keys), what).toBe(keys.length);
  }

  it("Zalo OA, correctly signed: arbitrary events, texts, ids, timestamps and headers", async () => {
    const event = fc.record(
      {
        app_id: fc.oneof(fc.constant(oa.appId), nastyString),
        event_name: fc.oneof(fc.constantFrom("user_send_text", "follow", "unfollow", "user_send_image", "user_seen_message", "oa_send_text"), nastyString),
        sender: fc.record({ id: platformId, admin_id: platformId }, { requiredKeys: [] }),
        recipient: fc.record({ id: fc.oneof(fc.constant(oa.oaId), platformId) }, { requiredKeys: [] }),
        follower: fc.record({ id: platformId }, { requiredKeys: [] }),
        user_id_by_app: platformId,
        oa_id: fc.oneof(fc.constant(oa.oaId), platformId),
        message: fc.oneof(fc.record({ text: chatText, msg_id: fc.oneof(fc.uuid(), nastyString, nastyNumber) }, { requiredKeys: [] }), nastyString),
        timestamp: platformTime,
      },
      { requiredKeys: ["event_name", "sender", "timestamp"] },
    );
    // A resident's message or a follow as Zalo sends them, with nasty text, ids and timestamps.
    const text = fc
      .record({ sender: mostlyGoodId, text: chatText, msgId: fc.oneof(fc.uuid(), nastyString, nastyNumber), timestamp: platformTime })
      .map(({ sender, text, msgId, timestamp }) => ({
        app_id: oa.appId, sender: { id: sender }, user_id_by_app: "9" + String(sender).slice(1), recipient: { id: oa.oaId },
        event_name: "user_send_text", message: { text, msg_id: msgId }, timestamp,
      }));
    const follow = fc
      .record({ name: fc.constantFrom("follow", "unfollow"), follower: mostlyGoodId, timestamp: platformTime })
      .map(({ name, follower, timestamp }) => ({ oa_id: oa.oaId, follower: { id: follower }, event_name: name, source: "oa_profile", app_id: oa.appId, timestamp }));
    const body = fc.oneof(
      { weight: 4, arbitrary: fc.tuple(text, fc.boolean()).map(([e, unquote]) => rawJson(e, unquote)) },
      { weight: 1, arbitrary: fc.tuple(follow, fc.boolean()).map(([e, unquote]) => rawJson(e, unquote)) },
      { weight: 2, arbitrary: fc.tuple(event, fc.boolean()).map(([e, unquote]) => rawJson(e, unquote)) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => rawJson(v, false)) },
      { weight: 1, arbitrary: nastyString },
    );
    await fc.assert(
      fc.asyncProperty(body, extraHeaders, async (rawBody, extra) => {
        const signature = computeSignature("documented", { appId: oa.appId, oaSecretKey: oa.oaSecretKey }, rawBody)!;
        const headers = { "content-type": "application/json", ...extra, "x-zevent-signature": `mac=${signature}` };
        const { res, before, what } = await post("zalo-oa", rawBody, headers);
        if (res.status >= 400) await expectNothingWritten(before, what);
        else await expectHandledOrIgnored("zalo-oa", rawBody, before, what);
      }),
      { numRuns: 50 },
    );
  });

  it("Zalo OA, forged signatures: refused (401) and nothing written", async () => {
    const hex64 = fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 });
    const forgery = fc.oneof(
      fc.constant("missing"), fc.constant("app secret"), fc.constant("other body"),
      hex64.map((h) => `mac=${h}`), headerValue.map((v) => `raw:${v}`),
    );
    await fc.assert(
      fc.asyncProperty(chatText, forgery, extraHeaders, async (text, how, extra) => {
        const event = { sender: { id: "7" + "1".repeat(18) }, recipient: { id: oa.oaId }, event_name: "user_send_text", message: { text, msg_id: "m-forged" } };
        const { rawBody, headers } = oa.signedEvent(event);
        const sha = (s: string) => createHash("sha256").update(s).digest("hex");
        const ts = String((JSON.parse(rawBody) as { timestamp: string }).timestamp);
        const signature: Record<string, string | undefined> = {
          missing: undefined,
          "app secret": "mac=" + sha(oa.appId + rawBody + ts + oa.appSecret),
          "other body": headers["x-zevent-signature"],
        };
        const forged = how in signature ? signature[how] : how.startsWith("raw:") ? how.slice(4) : how;
        const sent = how === "other body" ? rawBody.replace(`"app_id"`, `"app_id" `) : rawBody;
        const h: Record<string, string> = { "content-type": "application/json", ...extra, ...(forged === undefined ? {} : { "x-zevent-signature": forged }) };
        const { res, before, what } = await post("zalo-oa", sent, h);
        expect(refusedStatus(h), what).toContain(res.status);
        await expectNothingWritten(before, what);
      }),
      { numRuns: 25 },
    );
  });

  it("Zalo Bot, with the secret: arbitrary updates, texts, names, ids, dates and headers", async () => {
    const message = fc.record(
      {
        message_id: fc.oneof(fc.uuid(), nastyString, nastyNumber),
        date: fc.oneof(recentMs, nastyNumber, nastyString),
        text: chatText,
        from: fc.record({ id: platformId, display_name: nastyString, is_bot: fc.boolean() }, { requiredKeys: [] }),
        chat: fc.record({ id: platformId, chat_type: fc.oneof(fc.constantFrom("PRIVATE", "GROUP"), nastyString) }, { requiredKeys: [] }),
      },
      { requiredKeys: ["chat"] },
    );
    const update = fc.record(
      { event_name: fc.oneof(fc.constantFrom("message.text.received", "message.sticker.received", "message.unsupported.received"), nastyString), message },
      { requiredKeys: ["event_name"] },
    );
    // A resident's message as the Bot API sends it, with nasty text, name, ids and date.
    const text = fc
      .record({ chat: mostlyGoodId, text: chatText, messageId: fc.oneof(fc.uuid(), nastyString, nastyNumber), date: fc.oneof(recentMs, nastyNumber, nastyString), name: nastyString })
      .map(({ chat, text, messageId, date, name }) => {
        return { event_name: "message.text.received", message: { message_id: messageId, date, text, from: { id: chat, display_name: name, is_bot: false }, chat: { id: chat, chat_type: "PRIVATE" } } };
      });
    const body = fc.oneof(
      { weight: 3, arbitrary: text.map((u) => rawJson({ ok: true, result: u }, false)) },
      { weight: 1, arbitrary: text.map((u) => rawJson(u, false)) },
      { weight: 1, arbitrary: update.map((u) => rawJson(u, false)) },
      { weight: 1, arbitrary: update.map((u) => rawJson({ ok: true, result: u }, false)) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => rawJson(v, false)) },
      { weight: 1, arbitrary: nastyString },
    );
    await fc.assert(
      fc.asyncProperty(body, extraHeaders, async (rawBody, extra) => {
        const headers = { "content-type": "application/json", ...extra, "x-bot-api-secret-token": BOT_SECRET };
        const { res, before, what } = await post("zalo-bot", rawBody, headers);
        if (res.status >= 400) await expectNothingWritten(before, what);
        else await expectHandledOrIgnored("zalo-bot", rawBody, before, what);
      }),
      { numRuns: 50 },
    );
  });

  it("Zalo Bot, forged secrets: refused (401) and nothing written", async () => {
    const forgery = fc.oneof(
      fc.constant(undefined),
      fc.constantFrom(BOT_SECRET + "x", BOT_SECRET.slice(0, -1), BOT_SECRET.toUpperCase(), ` ${BOT_SECRET}`.slice(0, BOT_SECRET.length), ""),
      headerValue.filter((v) => v.trim() !== BOT_SECRET),
    );
    await fc.assert(
      fc.asyncProperty(chatText, forgery, extraHeaders, async (text, secret, extra) => {
        const message = { message_id: "m-forged", date: Date.now(), text, from: { id: "c-forged", display_name: "Chị Mai", is_bot: false }, chat: { id: "c-forged", chat_type: "PRIVATE" } };
        const rawBody = JSON.stringify({ ok: true, result: { event_name: "message.text.received", message } });
        const headers: Record<string, string> = { "content-type": "application/json", ...extra, ...(secret === undefined ? {} : { "x-bot-api-secret-token": secret }) };
        const { res, before, what } = await post("zalo-bot", rawBody, headers);
        expect(refusedStatus(headers), what).toContain(res.status);
        await expectNothingWritten(before, what);
      }),
      { numRuns: 25 },
    );
  });
}, 600_000);
