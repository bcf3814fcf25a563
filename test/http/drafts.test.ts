import { beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "../support/database.js";
import { useApiService } from "../support/lifecycle.js";
import { auditActions, draftBody, inDays, isoVn, rowCounts } from "../support/drafts.js";

describe.each(databaseKinds)("drafts API on %s", (kind) => {
  const AGENCY = "Sở Văn hóa, Thể thao và Du lịch";
  const OTHER = "Sở Tài chính";
  const { svc, keys } = useApiService(kind, { admin: ["admin"], drafter: ["drafter", AGENCY], viewer: ["viewer", AGENCY], otherDrafter: ["drafter", OTHER] });

  const create = async (key: string, overrides: Record<string, unknown> = {}, agency = AGENCY) => {
    const res = await svc.api("POST", "/api/v1/drafts", { key, body: draftBody(agency, overrides) });
    expect(res.status, res.text).toBe(201);
    return res.body as { id: string; commentOpensAt: string; draftingAgency: { id: string; name: string }; highImpact: boolean; targetCommunes: unknown };
  };

  it("creates a draft, returns it with highImpact, and reads it back", async () => {
    const res = await svc.api("POST", "/api/v1/drafts", { key: keys.drafter, body: draftBody("so van hoa, the thao va du lich") });
    expect(res.status, res.text).toBe(201);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const d = res.body;
    expect(d).toMatchObject({
      status: "draft",
      highImpact: true,
      containsStateSecrets: false,
      draftingAgency: { name: AGENCY },
      targetCommunes: ["05977", "05983"],
      code: "NQ-2025/01",
      publishedAt: null,
    });
    expect(d.questions).toHaveLength(2);
    expect(d.questions[0]).toMatchObject({ position: 1, article: "Điều 3", choices: ["Đồng ý", "Không đồng ý", "Ý kiến khác"], allowComment: true });
    expect(d.questions[1]).toMatchObject({ position: 2, article: null, allowComment: false });
    expect(d.periodDays).toBeGreaterThan(40);

    const got = await svc.api("GET", `/api/v1/drafts/${d.id}`, { key: keys.viewer });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(d);
    expect((await auditActions(svc.database.db, d.id)).map((a) => a.action)).toEqual(["draft.create"]);
  });

  it("highImpact is false unless all four criteria are true", async () => {
    const d = await create(keys.drafter, {
      criteria: { requiresPolicyProposal: true, affectsRightsAndObligations: true, sensitiveOrContested: false, provinceWide: true },
      targetCommunes: "all",
    });
    expect(d.highImpact).toBe(false);
    expect(d.targetCommunes).toBe("all");
  });

  it("admin creates for a new agency, which is created", async () => {
    const d = await create(keys.admin, {}, "Sở Nông nghiệp và Môi trường");
    expect(d.draftingAgency.name).toBe("Sở Nông nghiệp và Môi trường");
    const again = await create(keys.admin, {}, d.draftingAgency.id);
    expect(again.draftingAgency).toEqual(d.draftingAgency);
  });

  it("lists drafts filtered by status and agency; drafters and viewers see their own agency only", async () => {
    const mine = await create(keys.drafter, { title: "Dự thảo của Sở Văn hóa (danh sách)" });
    const theirs = await create(keys.otherDrafter, { title: "Dự thảo của Sở Tài chính" }, OTHER);
    await svc.api("POST", `/api/v1/drafts/${theirs.id}/publish`, { key: keys.otherDrafter });

    const all = await svc.api("GET", "/api/v1/drafts", { key: keys.admin });
    expect(all.status).toBe(200);
    const ids = all.body.drafts.map((d: { id: string }) => d.id);
    expect(ids).toContain(mine.id);
    expect(ids).toContain(theirs.id);

    const open = await svc.api("GET", "/api/v1/drafts?status=open", { key: keys.admin });
    expect(open.body.drafts.map((d: { id: string }) => d.id)).toContain(theirs.id);
    expect(open.body.drafts.every((d: { status: string }) => d.status === "open")).toBe(true);

    const byAgency = await svc.api("GET", `/api/v1/drafts?agency=${encodeURIComponent("so tai chinh")}`, { key: keys.admin });
    expect(byAgency.body.drafts.map((d: { id: string }) => d.id)).toEqual([theirs.id]);

    const asViewer = await svc.api("GET", "/api/v1/drafts", { key: keys.viewer });
    const viewerIds = asViewer.body.drafts.map((d: { id: string }) => d.id);
    expect(viewerIds).toContain(mine.id);
    expect(viewerIds).not.toContain(theirs.id);

    const forbidden = await svc.api("GET", `/api/v1/drafts?agency=${encodeURIComponent(OTHER)}`, { key: keys.viewer });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.errors[0].field).toBe("agency");
    const other = await svc.api("GET", `/api/v1/drafts/${theirs.id}`, { key: keys.drafter });
    expect(other.status).toBe(404);

    const badStatus = await svc.api("GET", "/api/v1/drafts?status=pending", { key: keys.admin });
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.errors[0].field).toBe("status");
  });

  it("answers 404 problem for an unknown or malformed id", async () => {
    for (const id of ["3f0c8a5e-1111-4222-8333-944445555666", "not-a-uuid"]) {
      const res = await svc.api("GET", `/api/v1/drafts/${id}`, { key: keys.admin });
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    }
  });

  it("PATCH before publishing changes anything, replaces questions and targets, and is audited", async () => {
    const d = await create(keys.drafter);
    const res = await svc.api("PATCH", `/api/v1/drafts/${d.id}`, {
      key: keys.drafter,
      body: {
        title: "Tiêu đề mới",
        summary: { other: null },
        targetCommunes: ["05986"],
        questions: [{ text: "Câu hỏi duy nhất?", choices: ["A", "B", "C", "D"], allowComment: true }],
        commentClosesAt: isoVn(inDays(35)),
      },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ title: "Tiêu đề mới", targetCommunes: ["05986"], summary: { other: null }, status: "draft" });
    expect(res.body.questions).toHaveLength(1);
    expect(res.body.questions[0].choices).toEqual(["A", "B", "C", "D"]);
    const audit = await auditActions(svc.database.db, d.id);
    expect(audit.map((a) => a.action)).toEqual(["draft.create", "draft.update"]);
    const fields = (audit[1]!.details.changes as { field: string }[]).map((c) => c.field);
    expect(fields).toEqual(expect.arrayContaining(["title", "summary.other", "targetCommunes", "questions", "commentClosesAt"]));
  });

  it("publishes now (open) and later (scheduled), recording publishedAt and an audit row", async () => {
    const d = await create(keys.drafter);
    const res = await svc.api("POST", `/api/v1/drafts/${d.id}/publish`, { key: keys.drafter });
    expect(res.status, res.text).toBe(200);
    expect(res.body.status).toBe("open");
    expect(Date.parse(res.body.publishedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect((await auditActions(svc.database.db, d.id)).map((a) => a.action)).toEqual(["draft.create", "draft.publish"]);

    const later = await create(keys.drafter, { commentOpensAt: isoVn(inDays(2)), commentClosesAt: isoVn(inDays(40)) });
    const res2 = await svc.api("POST", `/api/v1/drafts/${later.id}/publish`, { key: keys.admin, body: {} });
    expect(res2.status, res2.text).toBe(200);
    expect(res2.body.status).toBe("scheduled");
    expect(res2.body.commentOpensAt).toBe(later.commentOpensAt);
  });

  it("a short period publishes with shortenedPeriodReason, stored and audited", async () => {
    const d = await create(keys.drafter, { commentClosesAt: isoVn(inDays(10)) });
    const reason = "Thủ tục rút gọn theo Điều 146 Luật Ban hành văn bản quy phạm pháp luật";
    const res = await svc.api("POST", `/api/v1/drafts/${d.id}/publish`, { key: keys.drafter, body: { shortenedPeriodReason: reason } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: "open", shortenedPeriodReason: reason });
    const publish = (await auditActions(svc.database.db, d.id)).find((a) => a.action === "draft.publish");
    expect(publish?.details).toMatchObject({ shortenedPeriodReason: reason, shortened: true });
  });

  it("a double publish publishes once: the second gets 409", async () => {
    const d = await create(keys.drafter);
    const [a, b] = await Promise.all([
      svc.api("POST", `/api/v1/drafts/${d.id}/publish`, { key: keys.drafter }),
      svc.api("POST", `/api/v1/drafts/${d.id}/publish`, { key: keys.drafter }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const refused = a.status === 409 ? a : b;
    expect(refused.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(refused.body.errors[0].field).toBe("status");
    expect((await auditActions(svc.database.db, d.id)).filter((x) => x.action === "draft.publish")).toHaveLength(1);
  });

  describe("PATCH after publishing", () => {
    let id: string;
    let closesAt: string;
    beforeAll(async () => {
      const d = await create(keys.drafter);
      const pub = await svc.api("POST", `/api/v1/drafts/${d.id}/publish`, { key: keys.drafter });
      id = pub.body.id;
      closesAt = pub.body.commentClosesAt;
    });

    it("extends the period and audits it", async () => {
      const later = isoVn(inDays(10, new Date(closesAt)));
      const res = await svc.api("PATCH", `/api/v1/drafts/${id}`, { key: keys.drafter, body: { commentClosesAt: later } });
      expect(res.status, res.text).toBe(200);
      expect(res.body.commentClosesAt).toBe(new Date(later).toISOString());
      const ext = (await auditActions(svc.database.db, id)).find((a) => a.action === "draft.extend");
      expect(ext?.details).toMatchObject({ from: closesAt, to: new Date(later).toISOString() });
      closesAt = res.body.commentClosesAt;
    });

    it("refuses to shorten the period (409 naming commentClosesAt), changing nothing", async () => {
      const before = await rowCounts(svc.database.db);
      const res = await svc.api("PATCH", `/api/v1/drafts/${id}`, { key: keys.drafter, body: { commentClosesAt: isoVn(inDays(-1, new Date(closesAt))) } });
      expect(res.status).toBe(409);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(["commentClosesAt"]);
      expect((await svc.api("GET", `/api/v1/drafts/${id}`, { key: keys.admin })).body.commentClosesAt).toBe(closesAt);
      expect(await rowCounts(svc.database.db)).toEqual(before);
    });

    it("refuses a silent change of what residents received, and of fixed fields", async () => {
      const before = await rowCounts(svc.database.db);
      const res = await svc.api("PATCH", `/api/v1/drafts/${id}`, {
        key: keys.drafter,
        body: { title: "Tiêu đề sửa lặng lẽ", summary: { mainContent: "Nội dung khác" }, targetCommunes: "all" },
      });
      expect(res.status).toBe(409);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(["summary.mainContent", "targetCommunes", "title"]);
      const got = await svc.api("GET", `/api/v1/drafts/${id}`, { key: keys.admin });
      expect(got.body.title).not.toBe("Tiêu đề sửa lặng lẽ");
      expect(await rowCounts(svc.database.db)).toEqual(before);

      const q = await svc.api("PATCH", `/api/v1/drafts/${id}`, {
        key: keys.drafter,
        body: { questions: [{ text: "Khác?", choices: ["a", "b"], allowComment: true }], correction: { note: "Sửa câu hỏi" } },
      });
      expect(q.status).toBe(409);
      expect(q.body.errors[0].field).toBe("questions");
    });

    it("accepts a change with an explicit correction, audited with its note", async () => {
      const res = await svc.api("PATCH", `/api/v1/drafts/${id}`, {
        key: keys.drafter,
        body: { title: "Tiêu đề đã đính chính", correction: { note: "Sửa lỗi chính tả trong tiêu đề" } },
      });
      expect(res.status, res.text).toBe(200);
      expect(res.body.title).toBe("Tiêu đề đã đính chính");
      const corr = (await auditActions(svc.database.db, id)).find((a) => a.action === "draft.correct");
      expect(corr?.details).toMatchObject({ note: "Sửa lỗi chính tả trong tiêu đề", changes: [{ field: "title", to: "Tiêu đề đã đính chính" }] });
    });

    it("a correction that changes nothing is refused (422 naming correction)", async () => {
      const res = await svc.api("PATCH", `/api/v1/drafts/${id}`, { key: keys.drafter, body: { correction: { note: "không có gì" } } });
      expect(res.status).toBe(422);
      expect(res.body.errors[0].field).toBe("correction");
    });
  });

  it("admin closes an open draft early; a closed draft cannot be closed or changed again", async () => {
    const d = await create(keys.drafter);
    await svc.api("POST", `/api/v1/drafts/${d.id}/publish`, { key: keys.drafter });
    const res = await svc.api("POST", `/api/v1/drafts/${d.id}/close`, { key: keys.admin, body: { reason: "Đã đủ ý kiến" } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.status).toBe("closed");
    expect(res.body.closedAt).not.toBeNull();
    const close = (await auditActions(svc.database.db, d.id)).find((a) => a.action === "draft.close");
    expect(close?.details).toMatchObject({ from: "open", reason: "Đã đủ ý kiến" });

    const again = await svc.api("POST", `/api/v1/drafts/${d.id}/close`, { key: keys.admin });
    expect(again.status).toBe(409);
    expect(again.body.errors[0].field).toBe("status");
    const patch = await svc.api("PATCH", `/api/v1/drafts/${d.id}`, { key: keys.admin, body: { commentClosesAt: isoVn(inDays(100)) } });
    expect(patch.status).toBe(409);
    expect(patch.body.errors[0].field).toBe("status");
  });
});
