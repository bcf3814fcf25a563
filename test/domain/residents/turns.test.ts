import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createInboundProcessor, type InboundProcessor } from "../../../handlers/inbound.js";
import type { Database } from "../../../src/db/client.js";
import { deliveries, inboundUpdates } from "../../../src/db/schema/index.js";
import { NeedsTransaction } from "../../../src/domain/residents/session.js";
import { createResidentTurns, type AdmittedTurn, type ResidentTurns } from "../../../src/domain/residents/turns.js";
import { answersOf, createOpenDraft, residentDriver, subscriberOf } from "../../support/conversation-fixtures.js";
import { createTestDatabase, databaseKinds, quietLogger } from "../../support/database.js";

/**
 * A button press on a cached question is taken in two statements without a transaction: a read, then one
 * statement that writes everything and undoes itself when the update was a replay or the conversation
 * changed meanwhile. Whatever happens between the two, a press counts once and is answered once.
 */
describe.each(databaseKinds)("a button press in one statement (%s)", (kind) => {
  let database: Database;
  let inbound: InboundProcessor;
  /** Runs inside the next decision only (between the turn's read and its write). */
  let between: ((turn: AdmittedTurn) => Promise<void>) | null = null;
  let decisions = 0;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const turns = createResidentTurns({ db: database.db });
    const hooked: ResidentTurns = {
      run: (event, decide, log) =>
        turns.run(event, async (turn) => {
          decisions++;
          const hook = between;
          between = null;
          if (hook) await hook(turn);
          return decide(turn);
        }, log),
    };
    inbound = createInboundProcessor({ turns: hooked, logger: quietLogger(), kick: () => undefined, timeZone: "Asia/Ho_Chi_Minh" });
  });
  afterAll(async () => {
    await database.close();
  });
  beforeEach(() => {
    between = null;
  });

  const driver = residentDriver({ handle: (events) => inbound.handle(events) }, "one-statement-");
  const replies = async (subscriberId: string) =>
    (await database.db.select().from(deliveries).where(and(eq(deliveries.subscriberId, subscriberId), eq(deliveries.kind, "reply")))).length;

  /** A subscribed person who already answered question 1 once (the draft is now cached). */
  async function warmedUp(user: string) {
    await driver.subscribe(user);
    const { questionIds } = await createOpenDraft(database.db);
    const q1 = questionIds[0]!;
    await driver.press(user, `choice:${q1}:0`);
    const s = (await subscriberOf(database.db, user))!;
    return { q1, s };
  }

  it("the conversation changed between the read and the write: nothing of the first try is kept; run again, counted once", async () => {
    const { q1, s } = await warmedUp("an");
    const repliesBefore = await replies(s.id);
    // Another turn of the same person (another instance) commits a change of their conversation meanwhile.
    between = async () => {
      await database.db.execute(sql`update conversations set updated_at = now() where subscriber_id = ${s.id}`);
    };
    decisions = 0;
    const r = await driver.press("an", `choice:${q1}:1`);
    expect(decisions).toBe(2);
    expect(r).toMatchObject({ duplicate: false });
    expect(r.replies[0]!.text).toMatch(/^Đã đổi câu trả lời thành: Không đồng ý\./);
    const got = await answersOf(database.db, s.id);
    expect(got.current.map((a) => a.choiceIndex)).toEqual([1]);
    expect(got.history.map((h) => h.choiceIndex)).toEqual([0, 1]);
    expect(await replies(s.id)).toBe(repliesBefore + 1);
  });

  it("the same update delivered again while the first was between its read and its write: handled once, the other is a replay", async () => {
    const { q1, s } = await warmedUp("binh");
    const repliesBefore = await replies(s.id);
    const updatesBefore = (await database.db.select().from(inboundUpdates)).length;
    const press = { channel: "sim" as const, externalId: "binh", updateKey: "one-statement-replayed", at: new Date(), type: "action" as const, action: `choice:${q1}:1` };
    let inner: Awaited<ReturnType<typeof driver.send>> | undefined;
    between = async () => {
      inner = await driver.send(press);
    };
    const outer = await driver.send(press);
    expect(inner).toMatchObject({ duplicate: false });
    expect(outer).toMatchObject({ duplicate: true, replies: [] });
    const got = await answersOf(database.db, s.id);
    expect(got.history.map((h) => h.choiceIndex)).toEqual([0, 1]);
    expect(await replies(s.id)).toBe(repliesBefore + 1);
    expect((await database.db.select().from(inboundUpdates)).length).toBe(updatesBefore + 1);
    // Delivered a third time, afterwards: a replay again, nothing written.
    expect(await driver.send(press)).toMatchObject({ duplicate: true, replies: [] });
    expect((await answersOf(database.db, s.id)).history).toHaveLength(2);
  });

  it("a write that cannot wait for the final statement is refused there; the turn runs again in a transaction", async () => {
    const { q1, s } = await warmedUp("chi");
    let refused: unknown;
    between = async (turn) => {
      try {
        await turn.residents.unsubscribe("05977");
      } catch (err) {
        refused = err;
        throw err;
      }
    };
    decisions = 0;
    const r = await driver.press("chi", `choice:${q1}:1`);
    expect(refused).toBeInstanceOf(NeedsTransaction);
    expect(decisions).toBe(2);
    expect(r.replies[0]!.text).toMatch(/^Đã đổi câu trả lời thành: Không đồng ý\./);
    expect((await answersOf(database.db, s.id)).history.map((h) => h.choiceIndex)).toEqual([0, 1]);
  });
});
