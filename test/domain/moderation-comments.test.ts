import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createResidentTurns } from "../../src/domain/residents/turns.js";
import { createInboundProcessor, type InboundProcessor } from "../../handlers/inbound.js";
import type { Database } from "../../src/db/client.js";
import { comments, drafts } from "../../src/db/schema/index.js";
import { draftDigest } from "../../src/domain/digest/data.js";
import { draftFeedback } from "../../src/domain/feedback.js";
import { feedbackCsv, feedbackXlsx, maskedFeedback } from "../../src/export/feedback-export.js";
import ExcelJS from "exceljs";
import { t } from "../../src/i18n/index.js";
import { createTestDatabase, databaseKinds, quietLogger } from "../support/database.js";
import { answersOf, createOpenDraft, subscriberOf, residentDriver } from "../support/conversation-fixtures.js";

/** Comments from chat: flagged ones held from digests, contacts masked in exports, a per-person limit per draft. */
describe.each(databaseKinds)("comment moderation on %s", (kind) => {
  let database: Database;
  let inbound: InboundProcessor;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    inbound = createInboundProcessor({ turns: createResidentTurns({ db: database.db, commentsPerDraft: 3 }), logger: quietLogger(), kick: () => undefined });
  });
  afterAll(async () => {
    await database.close();
  });

  const { say, press, subscribe } = residentDriver({ handle: (events) => inbound.handle(events) }, "mc");
  const replyOf = async (p: ReturnType<typeof say>) => (await p).replies.map((m) => m.text).join("\n");
  /** "Góp ý", answer the only question, then type the comment. */
  async function comment(user: string, draftId: string, questionId: string, body: string) {
    await press(user, `answer:${draftId}`);
    await press(user, `choice:${questionId}:0`);
    return replyOf(say(user, body));
  }

  it("flags a comment with a phone number, holds it from the digest, masks it in the export; a clean one goes through", async () => {
    await subscribe("mod1");
    const { draftId, questionIds } = await createOpenDraft(database.db, { units: ["05977"], questions: [{ text: "Đồng ý?", choices: ["Có", "Không"], allowComment: true }] });
    const flagged = await comment("mod1", draftId, questionIds[0]!, "Liên hệ tôi 0912 345 678 hoặc mai.nguyen@gmail.com");
    expect(flagged).toContain(t("vi", "comment.held"));
    const clean = await comment("mod1", draftId, questionIds[0]!, "Nên giảm mức phạt ở Điều 5");
    expect(clean).not.toContain(t("vi", "comment.held"));
    const rows = await database.db.select().from(comments).where(eq(comments.draftId, draftId)).orderBy(comments.createdAt);
    expect(rows.map((r) => r.moderation)).toEqual(["flagged", "visible"]);

    const [draft] = await database.db.select().from(drafts).where(eq(drafts.id, draftId));
    const digest = await draftDigest(database.db, draft!, null, new Date(Date.now() + 1000));
    expect(JSON.stringify(digest)).not.toContain("0912");
    expect(JSON.stringify(digest)).toContain("Nên giảm mức phạt");
    // Held: counted on the flagged line only, not among the new comments.
    expect({ newComments: digest.newComments, flagged: digest.flagged }).toEqual({ newComments: 1, flagged: 1 });

    const csv = feedbackCsv(await draftFeedback(database.db, draft!, "test-secret"), { locale: "vi", timeZone: "Asia/Ho_Chi_Minh" });
    expect(csv).toContain("Liên hệ tôi 09** *** *** hoặc m***@***");
    expect(csv).not.toContain("345 678");
    expect(csv).not.toContain("gmail");
    const fb = await draftFeedback(database.db, draft!, "test-secret");
    expect(JSON.stringify(maskedFeedback(fb))).not.toContain("gmail");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await feedbackXlsx(fb, { locale: "vi", timeZone: "Asia/Ho_Chi_Minh" }) as unknown as ArrayBuffer);
    const cells = wb.worksheets.flatMap((ws) => ws.getSheetValues().flat().map(String));
    expect(cells).toContain("Liên hệ tôi 09** *** *** hoặc m***@***");
    expect(cells.join(" ")).not.toContain("gmail");
  });

  it("the same comment again is flagged as repeated", async () => {
    await subscribe("mod2");
    const { draftId, questionIds } = await createOpenDraft(database.db, { units: ["05977"], questions: [{ text: "Đồng ý?", choices: ["Có", "Không"], allowComment: true }] });
    await comment("mod2", draftId, questionIds[0]!, "Tôi không đồng ý với Điều 3");
    expect(await comment("mod2", draftId, questionIds[0]!, "toi khong dong y voi dieu 3")).toContain(t("vi", "comment.held"));
    const rows = await database.db.select().from(comments).where(eq(comments.draftId, draftId)).orderBy(comments.createdAt);
    expect(rows.map((r) => r.moderation)).toEqual(["visible", "flagged"]);
  });

  it("over the per-person limit per draft, a comment is refused politely and not stored", async () => {
    await subscribe("mod3");
    const { draftId, questionIds } = await createOpenDraft(database.db, { units: ["05977"], questions: [{ text: "Đồng ý?", choices: ["Có", "Không"], allowComment: true }] });
    for (const body of ["Ý kiến một", "Ý kiến hai", "Ý kiến ba"]) expect(await comment("mod3", draftId, questionIds[0]!, body)).toContain("Cảm ơn bạn!");
    expect(await comment("mod3", draftId, questionIds[0]!, "Ý kiến bốn")).toBe(t("vi", "comment.limit", { max: 3 }));
    const s = await subscriberOf(database.db, "mod3");
    expect((await answersOf(database.db, s!.id)).comments.map((c) => c.text)).toEqual(["Ý kiến một", "Ý kiến hai", "Ý kiến ba"]);
  });
});
