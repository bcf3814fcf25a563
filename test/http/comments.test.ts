import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { comments } from "../../src/db/schema/index.js";
import { databaseKinds } from "../support/database.js";
import { seedFeedback } from "../support/feedback-seed.js";
import { startTestService, type TestService } from "../support/service.js";

describe.each(databaseKinds)("PATCH /api/v1/comments/{id} on %s", (kind) => {
  let svc: TestService;
  let commentId: string;
  let draftId: string;
  const keys: Record<string, string> = {};
  beforeAll(async () => {
    svc = await startTestService(kind);
    const seed = await seedFeedback(svc.database.db);
    draftId = seed.draft.id;
    const [c] = await svc.database.db.select().from(comments).where(eq(comments.draftId, draftId)).limit(1);
    commentId = c!.id;
    keys.drafter = await svc.createKey("drafter", "Sở Tư pháp");
    keys.viewer = await svc.createKey("viewer", "Sở Tư pháp");
    keys.otherDrafter = await svc.createKey("drafter", "Sở Tài chính");
  });
  afterAll(async () => {
    await svc.stop();
  });
  const current = async () => (await svc.database.db.select().from(comments).where(eq(comments.id, commentId)))[0]!;

  it("the draft's agency hides an abusive comment and records how another was handled; both are audited and exported", async () => {
    const hide = await svc.api("PATCH", `/api/v1/comments/${commentId}`, { key: keys.drafter, body: { moderation: "hidden" } });
    expect(hide.status).toBe(200);
    expect(hide.body).toMatchObject({ id: commentId, moderation: "hidden", handling: "pending" });
    const handled = await svc.api("PATCH", `/api/v1/comments/${commentId}`, {
      key: keys.drafter,
      body: { handling: "accepted", handlingNote: "Tiếp thu: bổ sung hộ cận nghèo vào Điều 3" },
    });
    expect(handled.body).toMatchObject({ moderation: "hidden", handling: "accepted", handlingNote: "Tiếp thu: bổ sung hộ cận nghèo vào Điều 3" });
    expect(await current()).toMatchObject({ moderation: "hidden", handling: "accepted" });
    const audit = await svc.database.db.query.auditLog.findMany({ where: (a, { eq: e }) => e(a.entityId, commentId) });
    expect(audit.map((a) => a.action)).toEqual(["comment.update", "comment.update"]);
    const feedback = await svc.api("GET", `/api/v1/drafts/${draftId}/feedback`, { key: keys.drafter });
    const exported = (feedback.body.comments as { id: string; moderation: string; handling: string }[]).find((c) => c.id === commentId);
    expect(exported).toMatchObject({ moderation: "hidden", handling: "accepted" });
  });

  it("refuses a viewer, another agency's drafter, an unknown value, an empty body and an unknown comment, changing nothing", async () => {
    const before = await current();
    const cases = [
      { key: keys.viewer, body: { moderation: "visible" }, status: 403, field: "Authorization" },
      { key: keys.otherDrafter, body: { moderation: "visible" }, status: 404 },
      { key: keys.drafter, body: { moderation: "deleted" }, status: 400, field: "moderation" },
      { key: keys.drafter, body: { moderation: "visible", text: "rewrite" }, status: 400, field: "text" },
      { key: keys.drafter, body: {}, status: 400, field: "(body)" },
    ];
    for (const c of cases) {
      const res = await svc.api("PATCH", `/api/v1/comments/${commentId}`, { key: c.key, body: c.body });
      expect(res.status, JSON.stringify(c.body)).toBe(c.status);
      expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
      if (c.field) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(c.field);
    }
    const missing = await svc.api("PATCH", `/api/v1/comments/00000000-0000-4000-8000-000000000000`, { key: keys.drafter, body: { moderation: "flagged" } });
    expect(missing.status).toBe(404);
    expect(await current()).toEqual(before);
  });
});
