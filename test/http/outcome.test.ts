import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { queryRows } from "../../src/db/client.js";
import { drafts } from "../../src/db/schema/index.js";
import { findOrCreateAgency } from "../../src/domain/agencies.js";
import { databaseKinds } from "../support/database.js";
import { someUnits } from "../support/delivery.js";
import { startTestService, type TestService } from "../support/service.js";
import { answer, messagesTo, openDraft, resident, vn } from "../scheduler/fixtures.js";

describe.each(databaseKinds)("POST /api/v1/drafts/{id}/outcome on %s", (kind) => {
  let svc: TestService;

  beforeAll(async () => {
    svc = await startTestService(kind);
  });
  afterAll(async () => {
    await svc?.stop();
  });

  it("a drafter of the agency publishes the outcome of a closed draft once; every respondent gets it once; it is kept and audited", async () => {
    const db = svc.database.db;
    const [u] = await someUnits(db, 1);
    const agency = (await findOrCreateAgency(db, "Sở Xây dựng"))!;
    const drafter = await svc.createKey("drafter", "Sở Xây dựng");
    const viewer = await svc.createKey("viewer", "Sở Xây dựng");
    const otherDrafter = await svc.createKey("drafter", "Sở Y tế");
    const { draft, questions: [q1] } = await openDraft(db, { agencyId: agency.id, closesAt: vn("2031-10-30T17:00:00"), units: [u!] });
    const [respondent, silent, stopped] = [await resident(db, u!), await resident(db, u!), await resident(db, u!, { status: "stopped" })];
    await answer(db, draft.id, q1!.id, respondent.id, 0, u!, vn("2031-10-10T10:00:00"));
    await answer(db, draft.id, q1!.id, stopped.id, 1, u!, vn("2031-10-10T10:00:00"));
    const text = "Ban soạn thảo tiếp thu 12 ý kiến về mức phí, giải trình 3 ý kiến. Dự thảo đã sửa đăng tại langson.gov.vn.";
    const post = (key: string, body: unknown) => svc.api("POST", `/api/v1/drafts/${draft.id}/outcome`, { key, body });

    const open = await post(drafter, { text });
    expect(open.status).toBe(409);
    expect(open.body.errors).toEqual([{ field: "status", message: "draft is open" }]);
    await db.update(drafts).set({ status: "closed", closedAt: vn("2031-10-30T17:00:00") }).where(eq(drafts.id, draft.id));

    expect((await post(viewer, { text })).status).toBe(403);
    expect((await post(otherDrafter, { text })).status).toBe(404);
    const empty = await post(drafter, { text: "  " });
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0].field).toBe("text");
    const extra = await post(drafter, { text, resend: true });
    expect(extra.status).toBe(400);
    expect((await svc.api("POST", "/api/v1/drafts/00000000-0000-4000-8000-000000000000/outcome", { key: drafter, body: { text } })).status).toBe(404);
    expect(await messagesTo(db, respondent.id, "outcome")).toEqual([]);

    const ok = await post(drafter, { text });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body).toMatchObject({ recipients: 1, draft: { id: draft.id, outcome: { text, publishedBy: expect.stringMatching(/^key:/) } } });
    const again = await post(drafter, { text: `${text} (sửa)` });
    expect(again.status).toBe(409);
    expect(again.body.errors[0].field).toBe("text");

    const got = await messagesTo(db, respondent.id, "outcome");
    expect(got).toHaveLength(1);
    expect(got[0]!.text).toContain(text);
    expect(got[0]!.text).toContain("Dự thảo Nghị quyết về phí thu gom rác thải");
    expect(await messagesTo(db, silent.id, "outcome")).toEqual([]);
    expect(await messagesTo(db, stopped.id, "outcome")).toEqual([]);
    const view = await svc.api("GET", `/api/v1/drafts/${draft.id}`, { key: viewer });
    expect(view.body.outcome).toMatchObject({ text });
    const audit = await queryRows<{ action: string; details: { recipients: number } }>(db, sql`
      select action, details from audit_log where entity_id = ${draft.id} and action = 'draft.outcome'`);
    expect(audit).toMatchObject([{ action: "draft.outcome", details: { recipients: 1 } }]);
  });

  it("is described in the OpenAPI document", async () => {
    const doc = await svc.api("GET", "/openapi.json");
    const op = doc.body?.paths?.["/api/v1/drafts/{id}/outcome"]?.post;
    expect(op, doc.text.slice(0, 200)).toBeDefined();
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["201", "400", "403", "404", "409"]));
  });
});
