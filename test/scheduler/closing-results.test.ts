import { beforeAll, describe, expect, it } from "vitest";
import { eq, inArray } from "drizzle-orm";
import { loadConfig } from "../../src/config.js";
import type { Db } from "../../src/db/client.js";
import { adminUnits, drafts } from "../../src/db/schema/index.js";
import { noBroadcast } from "../../src/delivery/broadcaster.js";
import { createScheduler } from "../../scheduler/scheduler.js";
import { closingResultsJob } from "../../scheduler/jobs/closing-results.js";
import { draftPeriodsJob } from "../../scheduler/jobs/draft-periods.js";
import { databaseKinds, quietLogger } from "../support/database.js";
import { useTestDatabase } from "../support/lifecycle.js";
import { someUnits } from "../support/delivery.js";
import { agency, answer, messagesTo, officerInChat, openDraft, resident, vn } from "./fixtures.js";

describe.each(databaseKinds)("closing: final digest and results on %s", (kind) => {
  const database = useTestDatabase(kind);
  let db: Db;
  const config = loadConfig({ NODE_ENV: "test" });

  beforeAll(() => {
    db = database.db;
  });

  it("at the deadline the draft closes; then officers get the final digest and each respondent one message with the province's and their commune's tallies, once", async () => {
    const [u1, u2, u3] = await someUnits(db, 3);
    const names = Object.fromEntries((await db.select().from(adminUnits).where(inArray(adminUnits.code, [u1!, u2!]))).map((u) => [u.code, u.name]));
    const a = await agency(db);
    const other = await agency(db);
    const closesAt = vn("2031-09-30T17:00:00");
    const { draft, questions: [q1, q2] } = await openDraft(db, { agencyId: a.id, closesAt, units: [u1!, u2!], title: "Dự thảo về phí rác" });
    const [r1, r2, r6] = [await resident(db, u1!), await resident(db, u1!, { locale: "en" }), await resident(db, u1!)];
    const [r3, r4] = [await resident(db, u2!), await resident(db, u2!)];
    const r5 = await resident(db, u3!, { status: "stopped" });
    const at = vn("2031-09-20T10:00:00");
    await answer(db, draft.id, q1!.id, r1.id, 0, u1!, at);
    await answer(db, draft.id, q2!.id, r1.id, 0, u1!, at);
    await answer(db, draft.id, q1!.id, r2.id, 1, u1!, at);
    await answer(db, draft.id, q1!.id, r3.id, 0, u2!, at);
    await answer(db, draft.id, q2!.id, r3.id, 1, u2!, at);
    await answer(db, draft.id, q1!.id, r5.id, 0, u3!, at);
    const mine = await officerInChat(db, a.id);
    const everyAgency = await officerInChat(db, null, "en");
    const stranger = await officerInChat(db, other.id);

    const scheduler = (owner: string) =>
      createScheduler({ db, logger: quietLogger(), config, jobs: [draftPeriodsJob(noBroadcast), closingResultsJob({ broadcaster: noBroadcast })], owner });
    // Before the deadline: nothing.
    expect(await scheduler("A").runDue("closing-results", vn("2031-09-30T16:55:00"))).toMatchObject({ outcome: { details: { drafts: [] } } });
    expect(await scheduler("A").runDue("draft-periods", closesAt)).toMatchObject({ outcome: { details: { closed: [draft.id] } } });
    const sent = await scheduler("B").runDue("closing-results", vn("2031-09-30T17:00:00"));
    expect(sent).toMatchObject({ status: "ran", outcome: { details: { drafts: [{ draftId: draft.id, officers: 2, respondents: 3 }] } } });
    // Another tick, another instance: nothing more.
    expect(await scheduler("C").runDue("closing-results", vn("2031-09-30T17:05:00"))).toMatchObject({ outcome: { details: { drafts: [] } } });
    expect((await db.select().from(drafts).where(eq(drafts.id, draft.id)))[0]!.resultsSentAt).toEqual(vn("2031-09-30T17:00:00"));

    const [m1] = await messagesTo(db, r1.id, "results");
    expect(m1!.text).toBe([
      "📊 Kết quả lấy ý kiến dự thảo «Dự thảo về phí rác» (đã kết thúc). Toàn tỉnh có 4 người góp ý.",
      "Câu 1: Câu hỏi số 1?",
      "• Toàn tỉnh: Đồng ý 75% · Không đồng ý 25%",
      `• ${names[u1!]}: Đồng ý 50% · Không đồng ý 50%`,
      "Câu 2: Câu hỏi số 2?",
      "• Toàn tỉnh: Đồng ý 50% · Không đồng ý 50%",
      `• ${names[u1!]}: Đồng ý 100% · Không đồng ý 0%`,
      `${names[u1!]}: 2/3 người theo dõi đã góp ý (67%).`,
      "Bạn đã trả lời 2/2 câu hỏi. Cảm ơn bạn đã góp ý!",
    ].join("\n"));
    const [m2] = await messagesTo(db, r2.id, "results");
    expect(m2!.text).toContain(`• ${names[u1!]}: Đồng ý 50% · Không đồng ý 50%`);
    expect(m2!.text).toContain("You answered 1 of 2 questions.");
    const [m3] = await messagesTo(db, r3.id, "results");
    expect(m3!.text).toContain(`• ${names[u2!]}: Đồng ý 100% · Không đồng ý 0%`);
    expect(m3!.text).toContain(`• ${names[u2!]}: Đồng ý 0% · Không đồng ý 100%`);
    expect(m3!.text).toContain(`${names[u2!]}: 1/2 người theo dõi đã góp ý (50%).`);
    for (const s of [r4, r5, r6]) expect(await messagesTo(db, s.id, "results")).toEqual([]);

    const [digest] = await messagesTo(db, mine.id, "digest");
    expect(digest!.text).toMatch(/^🏁 Tổng hợp cuối cùng: đã hết thời hạn lấy ý kiến dự thảo «Dự thảo về phí rác»\.\n\n/);
    expect(digest!.text).toContain("Dự thảo về phí rác");
    expect((await messagesTo(db, everyAgency.id, "digest"))[0]!.text).toMatch(/^🏁 Final digest/);
    expect(await messagesTo(db, stranger.id, "digest")).toEqual([]);
  });

  it("drafts closed more than a week before the first run are not sent results", async () => {
    const [u] = await someUnits(db, 1);
    const a = await agency(db);
    const { draft, questions: [q] } = await openDraft(db, { agencyId: a.id, closesAt: vn("2031-01-10T17:00:00"), units: [u!], status: "closed", closedAt: vn("2031-01-10T17:00:00") });
    const r = await resident(db, u!);
    await answer(db, draft.id, q!.id, r.id, 0, u!, vn("2031-01-05T10:00:00"));
    const job = closingResultsJob({ broadcaster: noBroadcast });
    expect(await job.run({ db, logger: quietLogger(), config, now: vn("2031-01-18T10:00:00") })).toEqual({ drafts: [] });
    expect(await messagesTo(db, r.id, "results")).toEqual([]);
  });
});
