import { describe, expect, it } from "vitest";
import { databaseKinds } from "../support/database.js";
import type { ApiResponse } from "../support/service.js";
import { useApiService } from "../support/lifecycle.js";
import { draftBody, inDays, isoVn, rowCounts, type RowCounts } from "../support/drafts.js";

/**
 * Every refusal of the drafts API: the right status, an application/problem+json body naming the
 * field in errors[].field, and nothing written (row counts and the draft itself unchanged).
 */
describe.each(databaseKinds)("drafts API refusals on %s", (kind) => {
  const AGENCY = "Sở Tư pháp";
  const { svc, keys } = useApiService(kind, { admin: ["admin"], drafter: ["drafter", AGENCY], viewer: ["viewer", AGENCY], otherDrafter: ["drafter", "Sở Xây dựng"] });

  const create = async (overrides: Record<string, unknown> = {}) => {
    const res = await svc.api("POST", "/api/v1/drafts", { key: keys.drafter, body: draftBody(AGENCY, overrides) });
    expect(res.status, res.text).toBe(201);
    return res.body as { id: string };
  };
  const getDraft = async (id: string): Promise<Record<string, unknown>> => (await svc.api("GET", `/api/v1/drafts/${id}`, { key: keys.admin })).body as Record<string, unknown>;

  /** Run `call`, then check the problem answer and that no row was written (and the draft did not change). */
  async function expectRefusal(status: number, fields: string[], call: () => Promise<ApiResponse>, draftId?: string) {
    const before: RowCounts = await rowCounts(svc.database.db);
    const draftBefore = draftId ? await getDraft(draftId) : undefined;
    const res = await call();
    expect(res.status, res.text).toBe(status);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
    const got = ((res.body.errors ?? []) as { field: string }[]).map((e) => e.field);
    for (const f of fields) expect(got, res.text).toContain(f);
    expect(await rowCounts(svc.database.db)).toEqual(before);
    if (draftId) expect(await getDraft(draftId)).toEqual(draftBefore);
    return res;
  }

  it("state secrets: publishing is 409, even for an admin", async () => {
    const d = await create({ containsStateSecrets: true });
    for (const key of [keys.drafter, keys.admin]) {
      await expectRefusal(409, ["containsStateSecrets"], () => svc.api("POST", `/api/v1/drafts/${d.id}/publish`, { key }), d.id);
    }
    expect((await getDraft(d.id)).status).toBe("draft");
  });

  it("short period: publishing is 422 naming commentClosesAt", async () => {
    const d = await create({ commentClosesAt: isoVn(inDays(20)) });
    const res = await expectRefusal(422, ["commentClosesAt"], () => svc.api("POST", `/api/v1/drafts/${d.id}/publish`, { key: keys.drafter }), d.id);
    expect(res.body.detail).toMatch(/30/);
  });

  it("a period of 30 days counts from publication when the opening date has passed", async () => {
    const d = await create({ commentOpensAt: isoVn(inDays(-10)), commentClosesAt: isoVn(inDays(25)) });
    await expectRefusal(422, ["commentClosesAt"], () => svc.api("POST", `/api/v1/drafts/${d.id}/publish`, { key: keys.drafter }), d.id);
  });

  it("a period a few minutes short of 30 days is short (no rounding up); exactly 30 days is enough", async () => {
    const opens = inDays(2);
    const short = await create({ commentOpensAt: isoVn(opens), commentClosesAt: isoVn(new Date(opens.getTime() + 30 * 86_400_000 - 5 * 60_000)) });
    const res = await expectRefusal(422, ["commentClosesAt"], () => svc.api("POST", `/api/v1/drafts/${short.id}/publish`, { key: keys.drafter }), short.id);
    expect(res.body.detail).toMatch(/29\.99 days/);
    const exact = await create({ commentOpensAt: isoVn(opens), commentClosesAt: isoVn(inDays(30, opens)) });
    const ok = await svc.api("POST", `/api/v1/drafts/${exact.id}/publish`, { key: keys.drafter });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.status).toBe("scheduled");
  });

  it("unknown unit: creating is 422 naming targetCommunes", async () => {
    await expectRefusal(422, ["targetCommunes.1"], () =>
      svc.api("POST", "/api/v1/drafts", { key: keys.drafter, body: draftBody(AGENCY, { targetCommunes: ["05977", "99999"] }) }),
    );
    const d = await create();
    await expectRefusal(422, ["targetCommunes.0"], () => svc.api("PATCH", `/api/v1/drafts/${d.id}`, { key: keys.drafter, body: { targetCommunes: ["00000"] } }), d.id);
  });

  it("empty summary part: publishing is 422 naming it", async () => {
    const d = await create({ summary: { necessity: "Cần thiết.", mainContent: "   ", rightsChanges: "", other: null } });
    await expectRefusal(422, ["summary.mainContent", "summary.rightsChanges"], () => svc.api("POST", `/api/v1/drafts/${d.id}/publish`, { key: keys.drafter }), d.id);
  });

  it("no question, or a closing date in the past: publishing is 422", async () => {
    const d = await create({ questions: [] });
    await expectRefusal(422, ["questions"], () => svc.api("POST", `/api/v1/drafts/${d.id}/publish`, { key: keys.drafter }), d.id);
    const past = await create({ commentOpensAt: isoVn(inDays(-40)), commentClosesAt: isoVn(inDays(-1)) });
    await expectRefusal(422, ["commentClosesAt"], () => svc.api("POST", `/api/v1/drafts/${past.id}/publish`, { key: keys.drafter }), past.id);
  });

  it("a period that ends before it opens is 422", async () => {
    await expectRefusal(422, ["commentClosesAt"], () =>
      svc.api("POST", "/api/v1/drafts", { key: keys.drafter, body: draftBody(AGENCY, { commentOpensAt: isoVn(inDays(5)), commentClosesAt: isoVn(inDays(4)) }) }),
    );
  });

  it("wrong role: a viewer creating, another agency's drafter creating, a drafter closing → 403; another agency's draft → 404", async () => {
    await expectRefusal(403, ["Authorization"], () => svc.api("POST", "/api/v1/drafts", { key: keys.viewer, body: draftBody(AGENCY) }));
    await expectRefusal(403, ["draftingAgency"], () => svc.api("POST", "/api/v1/drafts", { key: keys.otherDrafter, body: draftBody(AGENCY) }));
    const d = await create();
    await expectRefusal(404, [], () => svc.api("POST", `/api/v1/drafts/${d.id}/publish`, { key: keys.otherDrafter }), d.id);
    await expectRefusal(403, ["Authorization"], () => svc.api("POST", `/api/v1/drafts/${d.id}/publish`, { key: keys.viewer }), d.id);
    await expectRefusal(404, [], () => svc.api("PATCH", `/api/v1/drafts/${d.id}`, { key: keys.otherDrafter, body: { title: "Không phải của tôi" } }), d.id);
    await svc.api("POST", `/api/v1/drafts/${d.id}/publish`, { key: keys.drafter });
    await expectRefusal(403, ["Authorization"], () => svc.api("POST", `/api/v1/drafts/${d.id}/close`, { key: keys.drafter }), d.id);
    expect((await getDraft(d.id)).status).toBe("open");
  });

  it("missing or unknown key: 401 naming Authorization", async () => {
    await expectRefusal(401, ["Authorization"], () => svc.api("POST", "/api/v1/drafts", { body: draftBody(AGENCY) }));
    await expectRefusal(401, ["Authorization"], () => svc.api("POST", "/api/v1/drafts", { key: "gpy_notarealkeyatallnotarealkey", body: draftBody(AGENCY) }));
    await expectRefusal(401, ["Authorization"], () => svc.api("GET", "/api/v1/drafts"));
  });

  it("malformed JSON: 400 naming the body", async () => {
    await expectRefusal(400, ["(body)"], () => svc.api("POST", "/api/v1/drafts", { key: keys.drafter, rawBody: '{"title": "Dự thảo",' }));
  });

  it("a body that is not JSON (a form, no Content-Type) is 415 naming Content-Type, not silently ignored", async () => {
    const d = await create();
    await svc.api("POST", `/api/v1/drafts/${d.id}/publish`, { key: keys.drafter });
    for (const headers of [{ "content-type": "application/x-www-form-urlencoded" }, { "content-type": "text/plain" }]) {
      await expectRefusal(415, ["Content-Type"], () => svc.api("POST", `/api/v1/drafts/${d.id}/close`, { key: keys.admin, rawBody: '{"reason": "Đã đủ ý kiến"}', headers }), d.id);
    }
    expect((await getDraft(d.id)).status).toBe("open");
    // Without a body at all (curl -X POST …/publish) nothing changes.
    expect((await svc.api("POST", `/api/v1/drafts/${d.id}/close`, { key: keys.admin })).status).toBe(200);
  });

  it("a path id that is not valid %-encoding is 400, not 500", async () => {
    for (const path of ["/api/v1/drafts/%zz", "/api/v1/drafts/%E0%A4%A/stats"]) {
      const res = await svc.api("GET", path, { key: keys.admin });
      expect(res.status, res.text).toBe(400);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(res.body.errors[0].field).toBe("(request)");
    }
  });

  it("another agency's keys cannot read a draft's broadcasts: 404, as for an unknown id", async () => {
    const d = await create();
    expect((await svc.api("POST", `/api/v1/drafts/${d.id}/publish`, { key: keys.drafter })).status).toBe(200);
    const own = await svc.api("GET", `/api/v1/drafts/${d.id}/broadcasts`, { key: keys.viewer });
    expect(own.status, own.text).toBe(200);
    const broadcastId = (own.body.items as { id: string; kind: string }[]).find((b) => b.kind === "announcement")!.id;
    expect((await svc.api("GET", `/api/v1/broadcasts/${broadcastId}`, { key: keys.drafter })).status).toBe(200);
    const otherViewer = await svc.createKey("viewer", "Sở Xây dựng");
    for (const key of [keys.otherDrafter, otherViewer]) {
      for (const path of [`/api/v1/drafts/${d.id}/broadcasts`, `/api/v1/broadcasts/${broadcastId}`]) {
        const res = await svc.api("GET", path, { key });
        expect(res.status, `${path} ${res.text}`).toBe(404);
        expect(res.body.counts).toBeUndefined();
      }
    }
    expect((await svc.api("GET", `/api/v1/broadcasts/${broadcastId}`, { key: keys.admin })).status).toBe(200);
  });

  it("oversized body (over BODY_LIMIT, 256kb): 413", async () => {
    const huge = draftBody(AGENCY, { title: "x".repeat(300 * 1024) });
    await expectRefusal(413, ["(body)"], () => svc.api("POST", "/api/v1/drafts", { key: keys.drafter, body: huge }));
  });

  it("unknown field: 400 naming it, at any depth", async () => {
    await expectRefusal(400, ["titel"], () => svc.api("POST", "/api/v1/drafts", { key: keys.drafter, body: draftBody(AGENCY, { titel: "typo" }) }));
    const nested = draftBody(AGENCY);
    (nested.summary as Record<string, unknown>).impact = "?";
    await expectRefusal(400, ["summary.impact"], () => svc.api("POST", "/api/v1/drafts", { key: keys.drafter, body: nested }));
    const d = await create();
    await expectRefusal(400, ["status"], () => svc.api("PATCH", `/api/v1/drafts/${d.id}`, { key: keys.drafter, body: { status: "open" } }), d.id);
    await expectRefusal(400, ["force"], () => svc.api("POST", `/api/v1/drafts/${d.id}/publish`, { key: keys.drafter, body: { force: true } }), d.id);
  });

  it("wrong types: 400 naming each field", async () => {
    await expectRefusal(400, ["containsStateSecrets", "criteria.provinceWide", "questions.0.choices", "targetCommunes"], () =>
      svc.api("POST", "/api/v1/drafts", {
        key: keys.drafter,
        body: draftBody(AGENCY, {
          containsStateSecrets: "no",
          criteria: { requiresPolicyProposal: true, affectsRightsAndObligations: true, sensitiveOrContested: true, provinceWide: 1 },
          questions: [{ text: "Một lựa chọn?", choices: ["Chỉ một"], allowComment: true }],
          targetCommunes: "some",
        }),
      }),
    );
    await expectRefusal(400, ["questions.0.choices"], () =>
      svc.api("POST", "/api/v1/drafts", {
        key: keys.drafter,
        body: draftBody(AGENCY, { questions: [{ text: "Bảy?", choices: ["1", "2", "3", "4", "5", "6", "7"], allowComment: true }] }),
      }),
    );
  });

  it("dates without a time zone offset: 400 naming the field", async () => {
    await expectRefusal(400, ["commentOpensAt", "commentClosesAt"], () =>
      svc.api("POST", "/api/v1/drafts", { key: keys.drafter, body: draftBody(AGENCY, { commentOpensAt: "2030-01-01T08:00:00", commentClosesAt: "2030-03-01" }) }),
    );
  });

  it("a drafter naming another agency, or an admin naming an unknown agency id", async () => {
    await expectRefusal(403, ["draftingAgency"], () => svc.api("POST", "/api/v1/drafts", { key: keys.drafter, body: draftBody("Sở Xây dựng") }));
    await expectRefusal(422, ["draftingAgency"], () =>
      svc.api("POST", "/api/v1/drafts", { key: keys.admin, body: draftBody("3f0c8a5e-1111-4222-8333-944445555666") }),
    );
  });
});
