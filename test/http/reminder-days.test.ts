import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "../support/database.js";
import { auditActions, draftBody } from "../support/drafts.js";
import { startTestService, type TestService } from "../support/service.js";

describe.each(databaseKinds)("reminderDays in the drafts API on %s", (kind) => {
  let svc: TestService;
  let key: string;

  beforeAll(async () => {
    svc = await startTestService(kind);
    key = await svc.createKey("drafter", "Sở Tư pháp");
  });
  afterAll(async () => {
    await svc?.stop();
  });

  it("is set at creation (null: REMINDER_DAYS), may change while the draft is open (audited), and bad values are refused naming the field", async () => {
    const plain = await svc.api("POST", "/api/v1/drafts", { key, body: draftBody("Sở Tư pháp") });
    expect(plain.status, plain.text).toBe(201);
    expect(plain.body.reminderDays).toBeNull();
    expect(plain.body.outcome).toBeNull();

    const created = await svc.api("POST", "/api/v1/drafts", { key, body: draftBody("Sở Tư pháp", { reminderDays: [5, 2] }) });
    expect(created.status, created.text).toBe(201);
    expect(created.body.reminderDays).toEqual([5, 2]);
    const id = created.body.id as string;
    const published = await svc.api("POST", `/api/v1/drafts/${id}/publish`, { key, body: {} });
    expect(published.body.status).toBe("open");

    const changed = await svc.api("PATCH", `/api/v1/drafts/${id}`, { key, body: { reminderDays: [1] } });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body.reminderDays).toEqual([1]);
    expect((await auditActions(svc.database.db, id)).map((a) => a.action)).toContain("draft.reminders");

    for (const bad of [[0], [3, 3], [61], "7,3,1"]) {
      const r = await svc.api("PATCH", `/api/v1/drafts/${id}`, { key, body: { reminderDays: bad } });
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.errors[0].field).toMatch(/^reminderDays/);
    }
    expect((await svc.api("GET", `/api/v1/drafts/${id}`, { key })).body.reminderDays).toEqual([1]);
  });
});
