import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { loadConfig } from "../../src/config.js";
import { drafts, PRIORITY_REPLY } from "../../src/db/schema/index.js";
import { createBroadcaster } from "../../src/delivery/broadcast.js";
import { enqueue } from "../../src/delivery/outbox.js";
import { isQuiet, parseQuietHours } from "../../src/delivery/quiet-hours.js";
import { createDeliveryWorker } from "../../src/delivery/worker.js";
import { createMetrics } from "../../src/metrics.js";
import { createSimAdapter } from "../../bots/sim/adapter.js";
import { createScheduler } from "../../scheduler/scheduler.js";
import { draftPeriodsJob } from "../../scheduler/jobs/draft-periods.js";
import { databaseKinds, quietLogger } from "../support/database.js";
import { someUnits } from "../support/delivery.js";
import { agency, openDraft, resident, vn } from "./fixtures.js";
import { useTestDatabase } from "../support/lifecycle.js";

describe.each(databaseKinds)("quiet hours at send time on %s", (kind) => {
  const database = useTestDatabase(kind);
  const config = loadConfig({ NODE_ENV: "test" });


  it("a draft opening at 22:00 reaches residents and propagandists at 07:00; a reply to a person's own message goes at once", async () => {
    const db = database.db;
    const [unit] = await someUnits(db, 1);
    const a = await agency(db);
    const { draft } = await openDraft(db, { agencyId: a.id, closesAt: vn("2031-08-30T17:00:00"), units: [unit!] });
    await db.update(drafts).set({ status: "scheduled", commentOpensAt: vn("2031-07-01T22:00:00") }).where(eq(drafts.id, draft.id));
    const residents = [await resident(db, unit!), await resident(db, unit!, { locale: "en" })];
    const propagandist = await resident(db, unit!, { role: "propagandist" });

    // The delivery worker reads a controlled clock through the same predicate the service wires (settings.ts).
    let clock = vn("2031-07-01T22:00:00");
    const quiet = parseQuietHours(config.QUIET_HOURS, config.TZ_NAME);
    const sim = createSimAdapter();
    const worker = createDeliveryWorker({
      db, adapters: [sim], logger: quietLogger(), metrics: createMetrics(), idlePollMs: 20, bulkAllowed: () => !isQuiet(quiet, clock),
    });
    const broadcaster = createBroadcaster({ timeZone: config.TZ_NAME });
    const scheduler = createScheduler({ db, logger: quietLogger(), config, jobs: [draftPeriodsJob(broadcaster)], owner: "A" });

    expect(await scheduler.runDue("draft-periods", clock)).toMatchObject({ status: "ran", outcome: { details: { opened: [draft.id] } } });
    await enqueue(db, [{ subscriberId: residents[0]!.id, channel: "sim", kind: "reply", priority: PRIORITY_REPLY, message: { text: "Cảm ơn bạn đã trả lời." } }]);

    const kinds = (externalId: string) => sim.inbox(externalId).map((m) => m.kind);
    await worker.drain();
    expect(kinds(residents[0]!.externalId)).toEqual(["reply"]);
    expect(kinds(residents[1]!.externalId)).toEqual([]);
    expect(kinds(propagandist.externalId)).toEqual([]);

    clock = vn("2031-07-02T06:59:00");
    await worker.drain();
    expect(kinds(residents[1]!.externalId)).toEqual([]);

    clock = vn("2031-07-02T07:00:00");
    await worker.drain();
    expect(kinds(residents[0]!.externalId)).toEqual(["reply", "announcement"]);
    expect(kinds(residents[1]!.externalId)).toEqual(["announcement"]);
    expect(kinds(propagandist.externalId)).toEqual(["relay"]);
  });
});
