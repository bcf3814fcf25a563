import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createInboundProcessor, type InboundProcessor } from "../../../handlers/inbound.js";
import type { Database } from "../../../src/db/client.js";
import { deliveries, inboundUpdates } from "../../../src/db/schema/index.js";
import { NeedsTransaction } from "../../../src/domain/residents/session.js";
import { createTurnMemory, type TurnMemory } from "../../../src/domain/residents/turn-memory.js";
import { createResidentTurns, type AdmittedTurn, type ResidentTurns } from "../../../src/domain/residents/turns.js";
import { answersOf, createOpenDraft, residentDriver, subscriberOf } from "../../support/conversation-fixtures.js";
import { createTestDatabase, databaseKinds, quietLogger } from "../../support/database.js";

/** The conversations over `turns`, with `before` run inside every decision (between a turn's read and its write). */
function processor(turns: ResidentTurns, before: (turn: AdmittedTurn) => Promise<void>): InboundProcessor {
  const hooked: ResidentTurns = {
    run: (event, decide, log) =>
      turns.run(event, async (turn) => {
        await before(turn);
        return decide(turn);
      }, log),
  };
  return createInboundProcessor({ turns: hooked, logger: quietLogger(), kick: () => undefined, timeZone: "Asia/Ho_Chi_Minh" });
}

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
    inbound = processor(turns, async (turn) => {
      decisions++;
      const hook = between;
      between = null;
      if (hook) await hook(turn);
    });
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

  it("twenty people pressing one question at once (their reads shared): each answer stored once, each person answered once", async () => {
    const { q1 } = await warmedUp("dung");
    const people = Array.from({ length: 20 }, (_, i) => `crowd-${i}`);
    const before = new Map<string, number>();
    for (const p of people) {
      await driver.subscribe(p);
      before.set(p, await replies((await subscriberOf(database.db, p))!.id));
    }
    const got = await Promise.all(people.map((p, i) => driver.press(p, `choice:${q1}:${i % 2}`)));
    for (const r of got) expect(r).toMatchObject({ duplicate: false, replies: [expect.anything()] });
    for (const [i, p] of people.entries()) {
      const s = (await subscriberOf(database.db, p))!;
      const a = await answersOf(database.db, s.id);
      expect(a.current.map((x) => x.choiceIndex)).toEqual([i % 2]);
      expect(a.history).toHaveLength(1);
      expect(await replies(s.id)).toBe(before.get(p)! + 1);
    }
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

/**
 * A person's next press on the question they pressed last is taken from memory, in one statement: no read.
 * Everything remembered is checked by that statement; whatever changed elsewhere since (another instance,
 * an officer, a direct write) makes the turn run again with a read, and the press counts once, answered as
 * the database stands.
 */
describe.each(databaseKinds)("a press taken from memory (%s)", (kind) => {
  let database: Database;
  let inbound: InboundProcessor;
  let between: (() => Promise<void>) | null = null;
  let decisions = 0;
  /** How many turns found the person's last press in memory. */
  let recalled = 0;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const memory = createTurnMemory();
    const counting: TurnMemory = {
      ...memory,
      recall: (event, choice) => {
        const hit = memory.recall(event, choice);
        if (hit) recalled++;
        return hit;
      },
    };
    const turns = createResidentTurns({ db: database.db, memory: counting });
    inbound = processor(turns, async () => {
      decisions++;
      const hook = between;
      between = null;
      if (hook) await hook();
    });
  });
  afterAll(async () => {
    await database.close();
  });
  beforeEach(() => {
    between = null;
    decisions = 0;
    recalled = 0;
  });

  const driver = residentDriver({ handle: (events) => inbound.handle(events) }, "memory-");

  /** A subscribed person who pressed question 1 twice (choices 0 then 1): their last press is remembered. */
  async function remembered(user: string, draft: { units?: string[] } = {}) {
    await driver.subscribe(user);
    const { questionIds, draftId } = await createOpenDraft(database.db, draft);
    const q1 = questionIds[0]!;
    await driver.press(user, `choice:${q1}:0`);
    await driver.press(user, `choice:${q1}:1`);
    const s = (await subscriberOf(database.db, user))!;
    decisions = 0;
    recalled = 0;
    return { q1, s, draftId };
  }

  it("the next press on the same question: taken from memory, stored and answered, in one turn", async () => {
    const { q1, s } = await remembered("dung");
    const r = await driver.press("dung", `choice:${q1}:0`);
    expect(recalled).toBe(1);
    expect(decisions).toBe(1);
    expect(r.replies[0]!.text).toMatch(/^Đã đổi câu trả lời thành: Đồng ý\./);
    // And the next again, knowing the answer it just stored: the same choice again writes nothing.
    const again = await driver.press("dung", `choice:${q1}:0`);
    expect(recalled).toBe(2);
    expect(again.replies.some((m) => /Đã đổi|Đã ghi nhận/.test(m.text))).toBe(false);
    const got = await answersOf(database.db, s.id);
    expect(got.current.map((a) => a.choiceIndex)).toEqual([0]);
    expect(got.history.map((h) => h.choiceIndex)).toEqual([0, 1, 0]);
  });

  it("the same update delivered twice: the second is a replay, nothing written twice", async () => {
    const { q1, s } = await remembered("giang");
    const press = { channel: "sim" as const, externalId: "giang", updateKey: "memory-replayed", at: new Date(), type: "action" as const, action: `choice:${q1}:0` };
    expect(await driver.send(press)).toMatchObject({ duplicate: false });
    expect(await driver.send(press)).toMatchObject({ duplicate: true, replies: [] });
    expect((await answersOf(database.db, s.id)).history.map((h) => h.choiceIndex)).toEqual([0, 1, 0]);
  });

  type Change = (db: Database["db"], who: { subscriberId: string; questionId: string; draftId: string }) => Promise<unknown>;
  /** `reply`: what the one reply says (none: the same choice again, off the question being asked); `runs`: decisions made. */
  const changes: { what: string; draft?: { units?: string[] }; change: Change; reply: RegExp | null; current: number[]; runs?: number }[] = [
    {
      what: "their conversation (a turn on another instance)",
      change: (db, w) => db.execute(sql`update conversations set updated_at = now() where subscriber_id = ${w.subscriberId}`),
      reply: /^Đã đổi câu trả lời thành: Đồng ý\./,
      current: [0],
    },
    {
      what: "their status (stopped elsewhere)",
      change: (db, w) => db.execute(sql`update subscribers set status = 'stopped' where id = ${w.subscriberId}`),
      reply: /./,
      current: [1],
    },
    {
      what: "their language",
      change: (db, w) => db.execute(sql`update subscribers set locale = 'en' where id = ${w.subscriberId}`),
      reply: /^Answer changed to: Đồng ý\./,
      current: [0],
    },
    {
      what: "their answer (written elsewhere)",
      change: (db, w) => db.execute(sql`update answers set choice_index = 0 where subscriber_id = ${w.subscriberId} and question_id = ${w.questionId}`),
      reply: null,
      current: [0],
    },
    {
      what: "the draft (closed by an officer)",
      change: (db, w) => db.execute(sql`update drafts set comment_closes_at = now() - interval '1 minute' where id = ${w.draftId}`),
      reply: /hết hạn|đã đóng|kết thúc|closed/i,
      current: [1],
      // Kept as a late answer: a write that needs the turn's transaction, so a third run, in one.
      runs: 3,
    },
    {
      what: "the communes they follow (the draft is for their commune only)",
      draft: { units: ["05977"] },
      change: (db, w) => db.execute(sql`delete from subscriptions where subscriber_id = ${w.subscriberId}`),
      reply: /./,
      current: [1],
    },
  ];

  it.each(changes)("changed elsewhere since the last press — $what: run again with a read, counted once, as the database stands", async ({ draft, change, reply, current, runs = 2 }) => {
    const user = `m${Math.random().toString(36).slice(2, 8)}`;
    const { q1, s, draftId } = await remembered(user, draft);
    const historyBefore = (await answersOf(database.db, s.id)).history.length;
    between = () => change(database.db, { subscriberId: s.id, questionId: q1, draftId }).then(() => undefined);
    const r = await driver.press(user, `choice:${q1}:0`);
    expect(recalled).toBe(1);
    expect(decisions).toBe(runs);
    expect(r.replies).toHaveLength(reply ? 1 : 0);
    if (reply) expect(r.replies[0]!.text).toMatch(reply);
    const got = await answersOf(database.db, s.id);
    expect(got.current.map((a) => a.choiceIndex)).toEqual(current);
    // At most the one press in the history (the first try left nothing).
    expect(got.history.length - historyBefore).toBeLessThanOrEqual(1);
  });
});
