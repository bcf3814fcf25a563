import { sql } from "drizzle-orm";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/db/client.js";
import { databaseKinds } from "../support/database.js";
import { useApiKeys, useTestService } from "../support/lifecycle.js";
import { seedReport } from "../report/report-seed.js";

describe.each(databaseKinds)("annual report API on %s", (kind) => {
  const svc = useTestService(kind);
  let seed: Awaited<ReturnType<typeof seedReport>>;
  const url = (q: string) => `/api/v1/reports/annual?year=${seed.year}${q}`;
  const downloads = async () =>
    (await queryRows<{ agency_id: string; year: number }>(svc.database.db, sql`select agency_id, year from report_downloads order by agency_id`))
      .map((r) => `${r.agency_id}:${r.year}`);

  beforeAll(async () => {
    seed = await seedReport(svc.database.db);
  });
  const keys = useApiKeys(svc, { admin: ["admin"], drafter: ["drafter", "Sở Tư pháp"], viewer: ["viewer", "Sở Tư pháp"], otherViewer: ["viewer", "Sở Tài chính"] });

  it("refuses bad queries with a problem naming the parameter, and records nothing", async () => {
    const cases: [string, number, string][] = [
      ["/api/v1/reports/annual", 400, "year"],
      ["/api/v1/reports/annual?year=abc", 400, "year"],
      [`/api/v1/reports/annual?year=${seed.year}&format=pdf`, 400, "format"],
      [`/api/v1/reports/annual?year=${seed.year}&agency=nope`, 400, "agency"],
      [`/api/v1/reports/annual?year=${seed.year + 1}`, 422, "year"],
    ];
    for (const [path, status, field] of cases) {
      const res = await svc.api("GET", path, { key: keys.admin });
      expect(res.status, path).toBe(status);
      expect(res.body.errors.map((e: { field: string }) => e.field), path).toContain(field);
    }
    expect((await svc.api("GET", url(""))).status).toBe(401);
    expect(await downloads()).toEqual([]);
  });

  it("keeps drafters and viewers to their own agency: another agency is a 404", async () => {
    for (const who of ["drafter", "viewer"] as const) {
      const res = await svc.api("GET", url(""), { key: keys[who] });
      expect(res.status, who).toBe(200);
      expect(res.body.agency, who).toEqual({ id: seed.agency.id, name: "Sở Tư pháp" });
      expect(res.body.drafts.map((d: { id: string }) => d.id), who).toEqual([seed.draft.id]);
      expect(res.body.agencies.map((a: { id: string }) => a.id), who).toEqual([seed.agency.id]);
      const other = await svc.api("GET", url(`&agency=${seed.other.id}`), { key: keys[who] });
      expect(other.status, who).toBe(404);
      expect(other.headers.get("content-type")).toMatch(/application\/problem\+json/);
    }
    expect(await downloads()).toEqual([`${seed.agency.id}:${seed.year}`]);
    const other = await svc.api("GET", url(""), { key: keys.otherViewer });
    expect(other.body.drafts.map((d: { id: string }) => d.id)).toEqual([seed.draftB.id]);
  });

  it("gives admins the province by agency, or one agency; an unknown agency is a 404", async () => {
    const province = await svc.api("GET", url(""), { key: keys.admin });
    expect(province.status).toBe(200);
    expect(province.body.agency).toBeNull();
    expect(province.body.period).toMatchObject({ from: `${seed.year}-01-01` });
    expect(province.body.agencies.map((a: { name: string; drafts: number }) => [a.name, a.drafts])).toEqual([["Sở Tài chính", 1], ["Sở Tư pháp", 1]]);
    expect(province.body.totals.online).toEqual({ answers: 6, comments: 3, respondents: 4 });
    expect(province.body.totals.offline).toEqual({ meetings: 1, attendees: 40, answers: 73, comments: 4 });
    expect((await downloads()).sort()).toEqual([`${seed.agency.id}:${seed.year}`, `${seed.other.id}:${seed.year}`].sort());

    const one = await svc.api("GET", url(`&agency=${seed.other.id}`), { key: keys.admin });
    expect(one.body.drafts.map((d: { id: string }) => d.id)).toEqual([seed.draftB.id]);
    expect((await svc.api("GET", url("&agency=7d3f1a52-0000-4000-8000-000000000000"), { key: keys.admin })).status).toBe(404);
  });

  it("downloads XLSX and DOCX attachments with the agency's figures", async () => {
    const headers = { key: keys.drafter };
    const x = await fetch(svc.url + url("&format=xlsx"), { headers: { authorization: `Bearer ${headers.key}` } });
    expect(x.status).toBe(200);
    expect(x.headers.get("content-type")).toMatch(/spreadsheetml/);
    expect(x.headers.get("content-disposition")).toMatch(/attachment; filename="?gopy-bao-cao-\d{4}-[0-9a-f]{8}\.xlsx/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await x.arrayBuffer());
    expect(wb.worksheets.map((w) => w.name)).not.toContain("Theo cơ quan");
    const summary = wb.getWorksheet("Tổng hợp")!;
    const figure = (label: string) => {
      let v: unknown;
      summary.eachRow((row) => {
        if (row.getCell(1).value === label) v = row.getCell(2).value;
      });
      return v;
    };
    expect(figure("Dự thảo đã truyền thông")).toBe(1);
    expect(figure("Trả lời trực tuyến")).toBe(4);
    expect(figure("Trả lời trực tiếp")).toBe(73);

    const d = await fetch(svc.url + url("&format=docx&lang=en"), { headers: { authorization: `Bearer ${headers.key}` } });
    expect(d.status).toBe(200);
    expect(d.headers.get("content-type")).toMatch(/wordprocessingml/);
    const xml = await (await JSZip.loadAsync(await d.arrayBuffer())).file("word/document.xml")!.async("string");
    expect(xml).toContain("SOCIALIST REPUBLIC OF VIETNAM");
    expect(xml).toContain("SỞ TƯ PHÁP");
    expect(xml).toContain("No.: …/BC-STP");
  });

  it("documents the report and offline feedback in the OpenAPI document", async () => {
    const doc = (await svc.api("GET", "/openapi.json")).body;
    const report = doc.paths["/api/v1/reports/annual"].get;
    expect(report.parameters.map((p: { name: string }) => p.name).sort()).toEqual(["agency", "format", "lang", "year"]);
    expect(report.responses["200"].content["application/json"].schema.properties.communes).toBeDefined();
    expect(Object.keys(doc.paths["/api/v1/drafts/{id}/offline-feedback"]).sort()).toEqual(["get", "post"]);
    const body = doc.paths["/api/v1/drafts/{id}/offline-feedback"].post.requestBody.content["application/json"].schema;
    expect(body.required).toEqual(expect.arrayContaining(["commune", "meetingDate", "attendees"]));
  });
});
