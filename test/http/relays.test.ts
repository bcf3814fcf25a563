import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { relays, subscribers, subscriptions } from "../../src/db/schema/index.js";
import { databaseKinds } from "../support/database.js";
import { draftBody } from "../support/drafts.js";
import { DONG_KINH, LUONG_VAN_TRI, TAM_THANH } from "../support/feedback-seed.js";
import { startTestService, type TestService } from "../support/service.js";

const AGENCY = "Sở Tư pháp";

describe.each(databaseKinds)("relay coverage API on %s", (kind) => {
  let svc: TestService;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    svc = await startTestService(kind);
    keys.drafter = await svc.createKey("drafter", AGENCY);
    keys.viewer = await svc.createKey("viewer", AGENCY);
    keys.admin = await svc.createKey("admin");
    keys.other = await svc.createKey("drafter", "Sở Tài chính");
  });
  afterAll(async () => {
    await svc?.stop();
  });

  async function propagandist(userId: string, displayName: string, unit: string) {
    const db = svc.database.db;
    const [s] = await db.insert(subscribers).values({ channel: "sim", externalId: userId, displayName, status: "active", consentAt: new Date() }).returning();
    await db.insert(subscriptions).values({ subscriberId: s!.id, unitCode: unit, role: "propagandist" });
    return s!;
  }

  /** GET the relay coverage until no script is still queued or sending (the worker runs meanwhile). */
  async function relaysWhenSent(id: string, key: string) {
    const until = Date.now() + 30_000;
    for (;;) {
      const res = await svc.api("GET", `/api/v1/drafts/${id}/relays`, { key });
      const pending = res.body.communes?.some((c: { relays: { delivery: string }[] }) => c.relays.some((r) => r.delivery === "queued" || r.delivery === "sending"));
      if (res.status !== 200 || !pending) return res;
      if (Date.now() > until) throw new Error(`relay scripts still pending after 30 s: ${JSON.stringify(res.body.totals)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it("per target commune: who got the script, who confirmed and when; totals", async () => {
    await propagandist("hoa", "Chị Hoa", DONG_KINH);
    await propagandist("binh", "Anh Bình", DONG_KINH);
    await propagandist("lan", "Chị Lan", LUONG_VAN_TRI);
    await propagandist("tam", "Anh Tâm", TAM_THANH); // not a target commune: no script
    const created = await svc.api("POST", "/api/v1/drafts", { key: keys.drafter, body: draftBody(AGENCY, { targetCommunes: [DONG_KINH, LUONG_VAN_TRI, "06001"] }) });
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    // Before publishing, no script was sent anywhere.
    const before = await svc.api("GET", `/api/v1/drafts/${id}/relays`, { key: keys.viewer });
    expect(before.status).toBe(200);
    expect(before.body.totals).toEqual({ communes: 3, communesSent: 0, communesConfirmed: 0, sent: 0, confirmed: 0, unconfirmed: 0 });

    expect((await svc.api("POST", `/api/v1/drafts/${id}/publish`, { key: keys.drafter })).status).toBe(200);
    // Chị Hoa reads it aloud and presses «Đã đọc» in the simulator.
    const read = await svc.api("POST", "/sim/messages", { body: { userId: "hoa", action: `read:${id}` } });
    expect(read.status).toBe(200);
    const [hoaRelay] = await svc.database.db
      .select()
      .from(relays)
      .innerJoin(subscribers, eq(subscribers.id, relays.subscriberId))
      .where(and(eq(relays.draftId, id), eq(subscribers.externalId, "hoa")));
    expect(hoaRelay!.relays.confirmedAt).not.toBeNull();

    // The scripts are sent by the delivery worker meanwhile: read once every send has settled, so that
    // the two readings below (viewer and admin) see the same state.
    const res = await relaysWhenSent(id, keys.viewer!);
    expect(res.status).toBe(200);
    expect(res.body.draftId).toBe(id);
    expect(res.body.totals).toEqual({ communes: 3, communesSent: 2, communesConfirmed: 1, sent: 3, confirmed: 1, unconfirmed: 2 });
    const byCode = Object.fromEntries(res.body.communes.map((c: { code: string }) => [c.code, c]));
    expect(Object.keys(byCode).sort()).toEqual([DONG_KINH, LUONG_VAN_TRI, "06001"].sort());
    expect(byCode[DONG_KINH]).toMatchObject({ name: "Phường Đông Kinh", sent: 2, confirmed: 1 });
    const hoa = byCode[DONG_KINH].relays.find((r: { displayName: string }) => r.displayName === "Chị Hoa");
    expect(hoa).toMatchObject({ channel: "sim", confirmed: true, confirmedAt: hoaRelay!.relays.confirmedAt!.toISOString(), remindedAt: null });
    expect(Date.parse(hoa.sentAt)).toBeLessThanOrEqual(Date.parse(hoa.confirmedAt));
    expect(byCode[DONG_KINH].relays.find((r: { displayName: string }) => r.displayName === "Anh Bình")).toMatchObject({ confirmed: false, confirmedAt: null });
    expect(byCode[LUONG_VAN_TRI]).toMatchObject({ name: "Phường Lương Văn Tri", sent: 1, confirmed: 0, relays: [{ displayName: "Chị Lan", confirmed: false }] });
    expect(byCode["06001"]).toMatchObject({ sent: 0, confirmed: 0, relays: [] });
    for (const c of res.body.communes) for (const r of c.relays) expect(r.delivery).toBe("sent");
    expect(JSON.stringify(res.body)).not.toContain("Anh Tâm");

    // Admins see the same; names are sorted as Vietnamese sorts them.
    const admin = await svc.api("GET", `/api/v1/drafts/${id}/relays`, { key: keys.admin });
    expect(admin.body).toEqual(res.body);
    const names: string[] = res.body.communes.map((c: { name: string }) => c.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, "vi")));
  });

  it("is described in the OpenAPI document with its response schema", async () => {
    const op = (await svc.api("GET", "/openapi.json")).body.paths["/api/v1/drafts/{id}/relays"].get;
    expect(Object.keys(op.responses)).toEqual(["200", "401", "404"]);
    const schema = op.responses["200"].content["application/json"].schema;
    expect(Object.keys(schema.properties)).toEqual(["draftId", "totals", "communes"]);
  });

  it("answers another agency's drafter 404, as the other draft routes do and as for an unknown draft; 404 unknown, 401 without a key", async () => {
    const created = await svc.api("POST", "/api/v1/drafts", { key: keys.drafter, body: draftBody(AGENCY) });
    const id = created.body.id as string;
    const other = await svc.api("GET", `/api/v1/drafts/${id}/relays`, { key: keys.other });
    const otherGet = await svc.api("GET", `/api/v1/drafts/${id}`, { key: keys.other });
    expect(other.status).toBe(404);
    expect(other.status).toBe(otherGet.status);
    expect(other.headers.get("content-type")).toMatch(/application\/problem\+json/);
    expect(other.body.errors).toEqual(otherGet.body.errors);
    for (const bad of ["7d3f1a52-0000-4000-8000-000000000000", "not-a-uuid"]) {
      expect((await svc.api("GET", `/api/v1/drafts/${bad}/relays`, { key: keys.admin })).status).toBe(404);
    }
    expect((await svc.api("GET", `/api/v1/drafts/${id}/relays`)).status).toBe(401);
  });
});
