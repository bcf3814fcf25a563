import { beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { queryRows } from "../../src/db/client.js";
import { comments } from "../../src/db/schema/index.js";
import { databaseKinds } from "../support/database.js";
import { draftBody } from "../support/drafts.js";
import { seedFeedback } from "../support/feedback-seed.js";
import type { ApiResponse, TestService } from "../support/service.js";
import { useApiService } from "../support/lifecycle.js";

/** Rows of every table an officer's request can write. */
async function tableCounts(svc: TestService): Promise<Record<string, number>> {
  const [r] = await queryRows<Record<string, number>>(
    svc.database.db,
    sql`select (select count(*)::int from drafts) as drafts, (select count(*)::int from questions) as questions,
      (select count(*)::int from agencies) as agencies, (select count(*)::int from audit_log) as audit,
      (select count(*)::int from invites) as invites, (select count(*)::int from draft_targets) as targets`,
  );
  return r!;
}

/**
 * Text and dates the database cannot store, or that would mislead a reader, are refused with a 400
 * naming the field — never a 500 — and nothing is written.
 */
describe.each(databaseKinds)("text and date refusals on %s", (kind) => {
  const AGENCY = "Sở Tư pháp";
  const { svc, keys } = useApiService(kind, { admin: ["admin"], drafter: ["drafter", AGENCY] });
  let commentId: string;

  beforeAll(async () => {
    const seed = await seedFeedback(svc.database.db);
    const [c] = await svc.database.db.select().from(comments).where(eq(comments.draftId, seed.draft.id)).limit(1);
    commentId = c!.id;
  });

  async function expect400(field: string, call: () => Promise<ApiResponse>) {
    const before = await tableCounts(svc);
    const res = await call();
    expect(res.status, res.text).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect((res.body.errors as { field: string }[]).map((e) => e.field), res.text).toContain(field);
    expect(await tableCounts(svc)).toEqual(before);
  }
  const createWith = (overrides: Record<string, unknown>, key = keys.drafter) => () =>
    svc.api("POST", "/api/v1/drafts", { key, body: draftBody(AGENCY, overrides) });

  it("NUL in any draft field, the comment handling note, an invite field or a query is a 400 naming it", async () => {
    await expect400("title", createWith({ title: "Dự thảo\u0000 phí" }));
    await expect400("code", createWith({ code: "NQ\u0000" }));
    await expect400("summary.mainContent", createWith({ summary: { necessity: "a", mainContent: "b\u0000", rightsChanges: "c" } }));
    await expect400("questions.0.choices.1", createWith({ questions: [{ text: "Câu hỏi?", choices: ["Có", "Kh\u0000ông"], allowComment: false }] }));
    await expect400("fullTextUrl", createWith({ fullTextUrl: "https://langson.gov.vn/\u0000.pdf" }));
    await expect400("draftingAgency", createWith({ draftingAgency: "Sở\u0000 mới" }, keys.admin));
    await expect400("handlingNote", () =>
      svc.api("PATCH", `/api/v1/comments/${commentId}`, { key: keys.drafter, body: { handling: "accepted", handlingNote: "Tiếp thu\u0000" } }),
    );
    await expect400("agency", () => svc.api("POST", "/api/v1/invites", { key: keys.admin, body: { role: "officer", agency: "Sở\u0000" } }));
    await expect400("agency", () => svc.api("GET", "/api/v1/drafts?agency=S%E1%BB%9F%00", { key: keys.admin }));
  });

  it("a lone surrogate in a title is a 400, not a 500 from the audit log's JSON column", async () => {
    await expect400("title", () =>
      svc.api("POST", "/api/v1/drafts", { key: keys.drafter, rawBody: JSON.stringify(draftBody(AGENCY)).replace('"title":"', '"title":"\\ud800x') }),
    );
  });

  it("dates the database cannot store are a 400 naming the field", async () => {
    await expect400("commentOpensAt", createWith({ commentOpensAt: "0000-01-01T00:00:00Z" }));
    await expect400("commentClosesAt", createWith({ commentClosesAt: "9999-12-31T23:59:59-14:00" }));
  });

  it("invisible-only titles and bidi overrides are a 400 naming the field", async () => {
    await expect400("title", createWith({ title: "\u200b\u200c\u200d\u2060\ufeff" }));
    await expect400("title", createWith({ title: "Phí \u202egnahT maT gnộĐ" }));
    await expect400("questions.0.text", createWith({ questions: [{ text: "\u2066Câu hỏi\u2069", choices: ["Có", "Không"], allowComment: false }] }));
  });

  it("an agency whose name has no letter or digit is refused, and ?agency=% matches no agency", async () => {
    await expect400("draftingAgency", createWith({ draftingAgency: "!!!" }, keys.admin));
    await expect400("agency", () => svc.api("GET", "/api/v1/drafts?agency=%25", { key: keys.admin }));
    const unknown = await svc.api("GET", "/api/v1/drafts?agency=%25%25x", { key: keys.admin });
    expect(unknown.status, unknown.text).toBe(422);
    const ok = await svc.api("POST", "/api/v1/drafts", { key: keys.drafter, body: draftBody(AGENCY) });
    expect(ok.status, ok.text).toBe(201);
  });
});
