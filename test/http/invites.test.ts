import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../support/service.js";

const DAY = 86_400_000;

describe("invite expiry", () => {
  let svc: TestService;
  let short: TestService;
  beforeAll(async () => {
    svc = await startTestService("pglite");
    short = await startTestService("pglite", { INVITE_TTL_DAYS: "3" });
  });
  afterAll(async () => {
    await svc.stop();
    await short.stop();
  });

  it("an invite without expiresInDays expires after 14 days (INVITE_TTL_DAYS), set when it is created", async () => {
    const admin = await svc.createKey("admin");
    const res = await svc.api("POST", "/api/v1/invites", { key: admin, body: { role: "propagandist", communes: ["05977"] } });
    expect(res.status, res.text).toBe(201);
    const left = Date.parse(res.body.expiresAt as string) - Date.now();
    expect(left).toBeGreaterThan(13.9 * DAY);
    expect(left).toBeLessThanOrEqual(14 * DAY);
    const asked = await svc.api("POST", "/api/v1/invites", { key: admin, body: { role: "propagandist", communes: ["05977"], expiresInDays: 30 } });
    expect(Date.parse(asked.body.expiresAt as string) - Date.now()).toBeGreaterThan(29.9 * DAY);
  });

  it("INVITE_TTL_DAYS sets the default", async () => {
    const admin = await short.createKey("admin");
    const res = await short.api("POST", "/api/v1/invites", { key: admin, body: { role: "propagandist", communes: ["05977"] } });
    const left = Date.parse(res.body.expiresAt as string) - Date.now();
    expect(left).toBeGreaterThan(2.9 * DAY);
    expect(left).toBeLessThanOrEqual(3 * DAY);
  });
});
