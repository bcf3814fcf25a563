import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InboundEvent } from "../../../src/channels/adapter.js";
import type { Database } from "../../../src/db/client.js";
import { choicePrefetch } from "../../../src/domain/residents/answers.js";
import { createDraftCache } from "../../../src/domain/residents/drafts.js";
import { lookupForTurns, type Admitted } from "../../../src/domain/residents/subscribers.js";
import { createTurnReads, type PressReads } from "../../../src/domain/residents/turn-reads.js";
import { createOpenDraft, residentDriver, subscriberOf } from "../../support/conversation-fixtures.js";
import { createTestDatabase, databaseKinds, quietLogger } from "../../support/database.js";
import { createInboundProcessor } from "../../../handlers/inbound.js";
import { createResidentTurns } from "../../../src/domain/residents/turns.js";

let n = 0;
const press = (externalId: string, updateKey = `reads-${++n}`, action = "x"): InboundEvent => ({ type: "action", channel: "sim", externalId, updateKey, at: new Date(), action });
const idOf = (looked: Admitted | "unknown" | "replay") => (typeof looked === "string" ? looked : looked.subscriber.externalId);

/**
 * The first statement of button presses arriving together is shared: the presses on one question that
 * arrive while a read is on its way are read together when it returns. Each press still gets its own
 * answer, as a read of its own would have given it.
 */
describe.each(databaseKinds)("presses read together (%s)", (kind) => {
  let database: Database;
  let reads: PressReads & { take: (row: Record<string, unknown>) => { current: number | null } };
  let replayedKey: string;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const turns = createResidentTurns({ db: database.db });
    const inbound = createInboundProcessor({ turns, logger: quietLogger(), kick: () => undefined, timeZone: "Asia/Ho_Chi_Minh" });
    const driver = residentDriver(inbound, "reads-setup-");
    for (const user of ["an", "binh", "chi"]) await driver.subscribe(user);
    const { questionIds } = await createOpenDraft(database.db);
    const drafts = createDraftCache();
    await drafts.load(database.db, questionIds[0]!);
    // "chi" answered already: the read brings the current answer with the person.
    await driver.press("chi", `choice:${questionIds[0]}:1`);
    replayedKey = "reads-replayed";
    await driver.send(press("binh", replayedKey, `choice:${questionIds[0]}:0`));
    const prefetch = choicePrefetch(drafts, `choice:${questionIds[0]}:0`);
    if (!prefetch) throw new Error("the question's draft is not cached");
    reads = prefetch;
  });
  afterAll(async () => {
    await database.close();
  });

  it("one statement answers each press in order: the person and conversation, unknown, or a replay", async () => {
    const events = [press("an"), press("nobody"), press("binh", replayedKey), press("chi"), press("an")];
    const looked = await lookupForTurns(database.db, "sim", events, reads.columns);
    expect(looked.map(idOf)).toEqual(["an", "unknown", "replay", "chi", "an"]);
    const chi = looked[3] as Admitted;
    expect(chi.subscriber.id).toBe((await subscriberOf(database.db, "chi"))!.id);
    expect(chi.state.step).toBeTypeOf("string");
    expect(chi.stateVersion).not.toBeNull();
    // The question's reads come with the person: "chi" answered the second choice, "an" nothing yet.
    expect(reads.take(chi.row).current).toBe(1);
    expect(reads.take((looked[0] as Admitted).row).current).toBeNull();
  });

  it("presses arriving while a read is on its way wait and are read together; each gets its own answer", async () => {
    const batches: string[][] = [];
    const together = createTurnReads({
      db: database.db,
      read: (db, channel, events, columns) => {
        batches.push(events.map((e) => e.externalId));
        return lookupForTurns(db, channel, events, columns);
      },
    });
    const looked = await Promise.all(["an", "binh", "nobody", "chi"].map((u) => together.lookup(press(u), reads)));
    expect(looked.map(idOf)).toEqual(["an", "binh", "unknown", "chi"]);
    expect(batches).toEqual([["an"], ["binh", "nobody", "chi"]]);
  });

  it("a statement that fails reads its presses one by one: only the press that cannot be read fails", async () => {
    const together = createTurnReads({ db: database.db });
    // A NUL character cannot be stored in PostgreSQL text: the shared statement fails, then only that press.
    const results = await Promise.allSettled(["an", "binh", "bad\u0000id", "chi"].map((u) => together.lookup(press(u), reads)));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(results.filter((r) => r.status === "fulfilled").map((r) => idOf(r.value))).toEqual(["an", "binh", "chi"]);
  });

  it("at most `most` presses in one statement; presses on another question do not wait behind them", async () => {
    const batches: string[][] = [];
    const together = createTurnReads({
      db: database.db,
      most: 2,
      read: (db, channel, events, columns) => {
        batches.push(events.map((e) => e.externalId));
        return lookupForTurns(db, channel, events, columns);
      },
    });
    const other: PressReads = { ...reads, questionId: "another-question" };
    await Promise.all([
      together.lookup(press("an"), reads),
      together.lookup(press("binh"), other),
      together.lookup(press("chi"), reads),
      together.lookup(press("an"), reads),
      together.lookup(press("nobody"), reads),
    ]);
    expect(batches).toEqual([["an"], ["binh"], ["chi", "an"], ["nobody"]]);
  });
});
