import { beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "../support/database.js";
import { draftBody } from "../support/drafts.js";
import { useApiService } from "../support/lifecycle.js";

interface AuditItem {
  id: string;
  at: string;
  actor: string;
  actorName: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  ip: string | null;
  userAgent: string | null;
}

/** Every officer action in the audit log with who, what, when and from where; GET /api/v1/audit for admins. */
describe.each(databaseKinds)("the audit log on %s", (kind) => {
  const { svc, keys } = useApiService(kind, { admin: ["admin"], drafter: ["drafter", "Sở Tư pháp"] });
  let draftId: string;
  const UA = "gopy-console-test/1.0";
  beforeAll(async () => {
    const headers = { "user-agent": UA };
    const created = await svc.api("POST", "/api/v1/drafts", { key: keys.drafter, body: draftBody("Sở Tư pháp"), headers });
    draftId = created.body.id as string;
    await svc.api("PATCH", `/api/v1/drafts/${draftId}`, { key: keys.drafter, body: { title: "Tiêu đề mới của dự thảo" }, headers });
    await svc.api("POST", `/api/v1/drafts/${draftId}/publish`, { key: keys.drafter, headers });
    await svc.api("GET", `/api/v1/drafts/${draftId}/feedback?format=csv`, { key: keys.drafter, headers });
    await svc.api("POST", "/api/v1/invites", { key: keys.drafter, body: { role: "propagandist", communes: ["05977"] }, headers });
  });

  it("records who (key id and name), what, when and from where for each officer action, exports included", async () => {
    const res = await svc.api("GET", `/api/v1/audit?entityType=draft&entityId=${draftId}&limit=50`, { key: keys.admin });
    expect(res.status, res.text).toBe(200);
    const items = res.body.items as AuditItem[];
    expect(items.map((i) => i.action).sort()).toEqual(["draft.create", "draft.publish", "draft.update", "feedback.export"]);
    for (const i of items) {
      expect(i.actor).toMatch(/^key:/);
      expect(i.actorName).toBe("test drafter");
      expect(i.ip).toMatch(/127\.0\.0\.1/);
      expect(i.userAgent).toBe(UA);
      expect(Date.now() - Date.parse(i.at)).toBeLessThan(600_000);
    }
    const invites = await svc.api("GET", "/api/v1/audit?action=invite.create", { key: keys.admin });
    expect(invites.body.items).toHaveLength(1);
    expect(invites.body.items[0]).toMatchObject({ userAgent: UA, actorName: "test drafter" });
  });

  it("filters by actor and dates, and pages with a cursor", async () => {
    const drafterActor = (await svc.api("GET", "/api/v1/audit?action=draft.create", { key: keys.admin })).body.items[0].actor as string;
    const mine = await svc.api("GET", `/api/v1/audit?actor=${encodeURIComponent(drafterActor)}&limit=2`, { key: keys.admin });
    expect(mine.body.items).toHaveLength(2);
    expect(mine.body.nextCursor).toEqual(expect.any(String));
    const rest = await svc.api("GET", `/api/v1/audit?actor=${encodeURIComponent(drafterActor)}&limit=50&cursor=${mine.body.nextCursor}`, { key: keys.admin });
    const all = [...mine.body.items, ...rest.body.items] as AuditItem[];
    expect(new Set(all.map((i) => i.id)).size).toBe(all.length);
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect(rest.body.nextCursor).toBeNull();
    const future = await svc.api("GET", `/api/v1/audit?from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`, { key: keys.admin });
    expect(future.body.items).toEqual([]);
    const past = await svc.api("GET", `/api/v1/audit?to=2000-01-01T00:00:00Z`, { key: keys.admin });
    expect(past.body.items).toEqual([]);
  });

  it("is for admins only, and refuses a bad filter with a 400 naming it", async () => {
    expect((await svc.api("GET", "/api/v1/audit", { key: keys.drafter })).status).toBe(403);
    const bad = await svc.api("GET", "/api/v1/audit?from=yesterday", { key: keys.admin });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe("from");
    const cursor = await svc.api("GET", "/api/v1/audit?cursor=abc", { key: keys.admin });
    expect(cursor.status).toBe(400);
    expect(cursor.body.errors[0].field).toBe("cursor");
  });
});
