import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { createResidentTurns } from "../../src/domain/residents/turns.js";
import { createInboundProcessor, type InboundProcessor } from "../../handlers/inbound.js";
import type { InboundEvent } from "../../src/channels/adapter.js";
import type { Database } from "../../src/db/client.js";
import { invites, subscriptions } from "../../src/db/schema/index.js";
import { t } from "../../src/i18n/index.js";
import { createTestDatabase, databaseKinds, quietLogger } from "../support/database.js";
import { subscriberOf } from "../support/conversation-fixtures.js";

/** Wrong invite codes are limited per person and hour; other people are not affected. */
describe.each(databaseKinds)("invite code guesses on %s", (kind) => {
  let database: Database;
  let inbound: InboundProcessor;
  let n = 0;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    inbound = createInboundProcessor({ turns: createResidentTurns({ db: database.db, inviteGuessesPerHour: 3 }), logger: quietLogger(), kick: () => undefined });
    await database.db.insert(invites).values({ code: "GOOD2345", role: "propagandist", unitCodes: ["06529"], createdBy: "test" });
  });
  afterAll(async () => {
    await database.close();
  });

  const say = async (user: string, text: string) => {
    const event: InboundEvent = { channel: "sim", externalId: user, updateKey: `ig${++n}`, at: new Date(), type: "text", text };
    return (await inbound.handle([event]))[0]!.replies.map((m) => m.text).join("\n");
  };

  it("after 3 wrong codes in an hour, even the right code is refused politely and nothing is joined", async () => {
    for (const code of ["AAAA2345", "BBBB2345", "CCCC2345"]) expect(await say("guesser", `/start i_${code}`)).toBe(t("vi", "invite.unknown"));
    expect(await say("guesser", "/start i_GOOD2345")).toBe(t("vi", "invite.tooManyGuesses"));
    expect(await say("guesser", "GOOD2345")).toBe(t("vi", "invite.tooManyGuesses"));
    const s = await subscriberOf(database.db, "guesser");
    expect(await database.db.select().from(subscriptions).where(eq(subscriptions.subscriberId, s!.id))).toEqual([]);
    const [inv] = await database.db.select().from(invites).where(eq(invites.code, "GOOD2345"));
    expect(inv!.usedAt).toBeNull();
  });

  it("another person with two wrong codes still joins with the right one", async () => {
    for (const code of ["DDDD2345", "EEEE2345"]) expect(await say("careful", `/start i_${code}`)).toBe(t("vi", "invite.unknown"));
    expect(await say("careful", "/start i_GOOD2345")).not.toBe(t("vi", "invite.tooManyGuesses"));
  });
});
