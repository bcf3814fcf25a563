import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { createResidentTurns } from "../../src/domain/residents/turns.js";
import { createInboundProcessor, type InboundProcessor } from "../../handlers/inbound.js";
import type { OutboundMessage } from "../../src/channels/message.js";
import { queryRows, type Database } from "../../src/db/client.js";
import { drafts, questions } from "../../src/db/schema/index.js";
import { t } from "../../src/i18n/index.js";
import { createTestDatabase, databaseKinds, quietLogger } from "../support/database.js";
import { answersOf, createOpenDraft, subscriberOf, residentDriver } from "../support/conversation-fixtures.js";

/**
 * The inbound hot path keeps drafts and questions between turns and reads the conversation state in the
 * same statement that locks the person: neither may ever act on rows older than an uncached read would.
 */
describe.each(databaseKinds)("inbound fast path on %s", (kind) => {
  let database: Database;
  let inbound: InboundProcessor;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    inbound = createInboundProcessor({ turns: createResidentTurns({ db: database.db }), logger: quietLogger(), kick: () => undefined, timeZone: "Asia/Ho_Chi_Minh" });
  });
  afterAll(async () => {
    await database.close();
  });

  const { say, press, subscribe } = residentDriver({ handle: (events) => inbound.handle(events) }, "f");

  it("a deadline moved into the past after a press was handled: the next press is kept late, not counted", async () => {
    await subscribe("ivy");
    const { draftId, questionIds } = await createOpenDraft(database.db);
    const q1 = questionIds[0]!;
    expect((await press("ivy", `choice:${q1}:0`)).replies[0]!.text).toMatch(/^Đã ghi nhận: Đồng ý\./);
    // An officer shortens the period (PATCH): the draft row changes under the cache.
    await database.db.update(drafts).set({ commentClosesAt: new Date(Date.now() - 60_000) }).where(eq(drafts.id, draftId));
    const late = await press("ivy", `choice:${q1}:1`);
    expect(late.replies[0]!.text).toContain("vẫn được lưu lại nhưng không được tính");
    const got = await answersOf(database.db, (await subscriberOf(database.db, "ivy"))!.id);
    expect(got.current.map((a) => a.choiceIndex)).toEqual([0]);
    expect(got.history.map((h) => [h.choiceIndex, h.late])).toEqual([[0, false], [1, true]]);
  });

  it("a question changed or removed after it was cached: its new choices apply, a removed one is unknown", async () => {
    await subscribe("jon");
    const { questionIds } = await createOpenDraft(database.db);
    const [q1, q2] = questionIds as [string, string];
    await press("jon", `choice:${q1}:0`);
    expect((await press("jon", `choice:${q1}:2`)).replies[0]!.text).toBe(t("vi", "common.unknownAction"));
    await database.db.update(questions).set({ choices: ["Đồng ý", "Không đồng ý", "Cần sửa thêm"] }).where(eq(questions.id, q1));
    expect((await press("jon", `choice:${q1}:2`)).replies[0]!.text).toMatch(/^Đã đổi câu trả lời thành: Cần sửa thêm\./);
    await database.db.delete(questions).where(eq(questions.id, q2));
    const gone = await press("jon", `choice:${q2}:0`);
    expect(gone.replies[0]!.text).toBe(t("vi", "answer.draftUnknown"));
    const got = await answersOf(database.db, (await subscriberOf(database.db, "jon"))!.id);
    expect(got.current.map((a) => [a.questionId, a.choiceIndex])).toEqual([[q1, 2]]);
  });

  it("a turn that waited for the person's lock acts on the conversation as the turn before it left it", async () => {
    await subscribe("kai");
    const { questionIds } = await createOpenDraft(database.db);
    const q2 = questionIds[1]!;
    const s = (await subscriberOf(database.db, "kai"))!;
    let pending: Promise<unknown> = Promise.resolve();
    // Another instance holds the person's row and moves their conversation to question 2, then commits.
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`select 1 from subscribers where id = ${s.id} for update`);
      await tx.execute(sql`update conversations set state = ${JSON.stringify({ step: "answer", draftId: "x", questionId: q2 })}::jsonb where subscriber_id = ${s.id}`);
      pending = say("kai", "2");
      if (kind === "postgres") {
        // Wait until the turn is blocked on the row lock (PGlite runs one transaction at a time anyway).
        for (let i = 0; i < 200; i++) {
          const [w] = await queryRows<{ n: number }>(database.db, sql`
            select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
          if (w!.n > 0) break;
          await new Promise((r) => setTimeout(r, 10));
        }
      }
    });
    const r = (await pending) as { replies: OutboundMessage[] };
    // "2" answers question 2 (the state committed before the turn got the lock), not a commune search.
    expect(r.replies[0]!.text).toContain("Đã ghi nhận: Từ năm 2027.");
    const got = await answersOf(database.db, s.id);
    expect(got.current.map((a) => [a.questionId, a.choiceIndex])).toEqual([[q2, 1]]);
  });

});
