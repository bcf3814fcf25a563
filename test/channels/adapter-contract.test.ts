import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ChannelAdapter } from "../../src/channels/adapter.js";
import { SendError, Throttled, type SendErrorKind } from "../../src/channels/errors.js";
import type { Database } from "../../src/db/client.js";
import { CONTRACT_RETRY_AFTER_MS, telegramOnFake, zaloBotOnFake, zaloOaOnFake, type ChannelOnFake } from "../support/channels.js";
import { createTestDatabase } from "../support/database.js";

/**
 * One contract for every channel adapter: the same platform answers, scripted on each channel's local
 * fake, end as the same error of the closed set (src/channels/errors.ts). The delivery worker relies on
 * nothing else (docs/architecture.md, "Adding a channel").
 */
type Answer = "throttled" | "recipientGone" | "serverError" | "dropConnection" | "badRequest" | "misconfigured" | "outsideWindow";

const contract: { answer: Answer; says: string; kind: SendErrorKind }[] = [
  { answer: "throttled", says: "rate limited (retry after)", kind: "throttled" },
  { answer: "recipientGone", says: "recipient blocked the bot / unfollowed", kind: "recipient_gone" },
  { answer: "serverError", says: "the platform fails with a 5xx", kind: "transient" },
  { answer: "dropConnection", says: "the connection drops with no answer", kind: "transient" },
  { answer: "badRequest", says: "the platform refuses the request (400)", kind: "permanent" },
  { answer: "misconfigured", says: "a wrong or revoked token", kind: "config" },
  { answer: "outsideWindow", says: "outside the 7-day window (Zalo OA)", kind: "outside_window" },
];

const channels: { name: string; start: (db: Database) => Promise<ChannelOnFake> }[] = [
  { name: "telegram", start: () => telegramOnFake() },
  { name: "zalo-oa", start: (db) => zaloOaOnFake(db.db) },
  { name: "zalo-bot", start: () => zaloBotOnFake() },
];

async function sendError(adapter: ChannelAdapter, channel: ChannelOnFake): Promise<SendError> {
  const outcome = await adapter.send(channel.to, { text: "Dự thảo mới: phí thu gom rác thải" }, { kind: "reminder" }).then(
    (r) => r,
    (err: unknown) => err,
  );
  if (!(outcome instanceof SendError)) throw new Error(`expected a SendError, got ${JSON.stringify(outcome)}`);
  return outcome;
}

describe.each(channels)("adapter contract: $name", ({ name, start }) => {
  let database: Database;
  let channel: ChannelOnFake;

  beforeAll(async () => {
    database = await createTestDatabase("pglite");
  });
  afterAll(() => database?.close());
  beforeEach(async () => {
    channel = await start(database);
  });
  afterEach(() => channel?.close());

  it("delivers a message and returns the platform's message id", async () => {
    const r = await channel.adapter.send(channel.to, { text: "Xin chào" }, { kind: "reply" });
    expect(r.externalId).toMatch(/\S/);
    expect(channel.delivered()).toEqual(["Xin chào"]);
  });

  const rows = contract.filter((row) => row.answer !== "outsideWindow" || name === "zalo-oa");
  it.each(rows)("$says → $kind", async ({ answer, kind }) => {
    let adapter = channel.adapter;
    if (answer === "misconfigured") adapter = await channel.misconfigured();
    else {
      const script = channel.script[answer];
      if (!script) throw new Error(`${name} cannot script ${answer}`);
      script();
    }
    const err = await sendError(adapter, channel);
    expect(err.kind).toBe(kind);
    expect(err.detail).not.toBe("");
    if (kind === "throttled") {
      expect(err).toBeInstanceOf(Throttled);
      expect(err instanceof Throttled && err.retryAfterMs).toBe(CONTRACT_RETRY_AFTER_MS);
    }
    expect(channel.delivered()).toEqual([]);
  });

  it("after a transient failure the next send goes through (nothing stuck in the adapter)", async () => {
    channel.script.serverError();
    await sendError(channel.adapter, channel);
    await channel.adapter.send(channel.to, { text: "Lần hai" });
    expect(channel.delivered()).toEqual(["Lần hai"]);
  });
});
