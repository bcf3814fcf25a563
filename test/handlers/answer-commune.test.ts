import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createResidentTurns } from "../../src/domain/residents/turns.js";
import { createInboundProcessor, type InboundProcessor } from "../../handlers/inbound.js";
import type { OutboundMessage } from "../../src/channels/message.js";
import type { Database } from "../../src/db/client.js";
import { t } from "../../src/i18n/index.js";
import { createTestDatabase, databaseKinds, quietLogger } from "../support/database.js";
import { answersOf, createOpenDraft, subscriberOf, residentDriver } from "../support/conversation-fixtures.js";

/** A draft that does not target the person's commune cannot be answered: refused politely, nothing written. */
describe.each(databaseKinds)("answers outside the draft's communes on %s", (kind) => {
  let database: Database;
  let inbound: InboundProcessor;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    inbound = createInboundProcessor({ turns: createResidentTurns({ db: database.db }), logger: quietLogger(), kick: () => undefined });
  });
  afterAll(async () => {
    await database.close();
  });

  const { press, subscribe } = residentDriver({ handle: (events) => inbound.handle(events) }, "oc"); // subscribe: Phường Đông Kinh (05977)
  const texts = (replies: OutboundMessage[]) => replies.map((m) => m.text).join("\n");

  it("an old button or a typed action for a draft of another commune → a polite refusal, no answer recorded", async () => {
    await subscribe("dao");
    const { draftId, questionIds } = await createOpenDraft(database.db, { units: ["06529"], title: "Dự thảo nơi khác" });
    const start = await press("dao", `answer:${draftId}`);
    expect(texts(start.replies)).toBe(t("vi", "answer.notYourCommune", { title: "Dự thảo nơi khác" }));
    const choice = await press("dao", `choice:${questionIds[0]}:0`);
    expect(texts(choice.replies)).toBe(t("vi", "answer.notYourCommune", { title: "Dự thảo nơi khác" }));
    const s = await subscriberOf(database.db, "dao");
    expect(await answersOf(database.db, s!.id)).toEqual({ current: [], history: [], comments: [] });
  });

  it("the same person answers a draft of their own commune as before", async () => {
    const { questionIds } = await createOpenDraft(database.db, { units: ["05977"] });
    const choice = await press("dao", `choice:${questionIds[0]}:0`);
    expect(texts(choice.replies)).toContain("Đã ghi nhận");
    const s = await subscriberOf(database.db, "dao");
    expect((await answersOf(database.db, s!.id)).current.map((a) => a.unitCode)).toEqual(["05977"]);
  });
});
