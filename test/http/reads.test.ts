import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { draftPseudonymizer } from "../../src/domain/pseudonym.js";
import { databaseKinds } from "../support/database.js";
import { DONG_KINH, LUONG_VAN_TRI, seedFeedback } from "../support/feedback-seed.js";
import { useApiKeys, useTestService } from "../support/lifecycle.js";
import { parseCsv } from "../support/csv.js";


const SECRET = "test-pseudonym-secret";

describe.each(databaseKinds)("read API on %s", (kind) => {
  const svc = useTestService(kind, { PSEUDONYM_SECRET: SECRET });
  let seed: Awaited<ReturnType<typeof seedFeedback>>;
  beforeAll(async () => {
    seed = await seedFeedback(svc.database.db);
  });
  const keys = useApiKeys(svc, { admin: ["admin"], drafter: ["drafter", "Sở Tư pháp"], viewer: ["viewer", "so tu phap"], otherViewer: ["viewer", "Sở Tài chính"] });

  describe("GET /api/v1/drafts/{id}/stats", () => {
    it("gives the tallies to the admin and to the draft's own agency", async () => {
      for (const who of ["admin", "drafter", "viewer"] as const) {
        const res = await svc.api("GET", `/api/v1/drafts/${seed.draft.id}/stats`, { key: keys[who] });
        expect(res.status, who).toBe(200);
        expect(res.body.questions[0].choices.map((c: { count: number }) => c.count), who).toEqual([2, 1, 0]);
        expect(res.body.totals, who).toEqual({ subscribers: 4, respondents: 3, answers: 4, comments: 1, lateAnswers: 2, lateComments: 1 });
        expect(res.body.communes.map((c: { code: string; subscribers: number; respondents: number }) => [c.code, c.subscribers, c.respondents])).toEqual([
          [DONG_KINH, 2, 2],
          [LUONG_VAN_TRI, 3, 1],
        ]);
      }
    });

    it("answers a viewer of another agency 404, as for an unknown draft", async () => {
      const res = await svc.api("GET", `/api/v1/drafts/${seed.draft.id}/stats`, { key: keys.otherViewer });
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
      expect(res.body.detail).toBe(`No draft with id ${seed.draft.id}.`);
      const own = await svc.api("GET", `/api/v1/drafts/${seed.otherDraft.id}/stats`, { key: keys.otherViewer });
      expect(own.status).toBe(200);
    });

    it("answers 404 for an unknown draft and 401 without a key", async () => {
      for (const id of ["7d3f1a52-0000-4000-8000-000000000000", "not-a-uuid"]) {
        const res = await svc.api("GET", `/api/v1/drafts/${id}/stats`, { key: keys.admin });
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ status: 404, title: "Not found" });
      }
      expect((await svc.api("GET", `/api/v1/drafts/${seed.draft.id}/stats`)).status).toBe(401);
    });
  });

  describe("GET /api/v1/drafts/{id}/feedback", () => {
    it("exports JSON with pseudonyms, late flags, communes and moderation", async () => {
      const res = await svc.api("GET", `/api/v1/drafts/${seed.draft.id}/feedback`, { key: keys.viewer });
      expect(res.status).toBe(200);
      const p = draftPseudonymizer(SECRET, seed.draft.id);
      expect(res.body.answers).toHaveLength(6);
      expect(res.body.answers.filter((a: { late: boolean }) => a.late)).toHaveLength(2);
      expect(res.body.comments[0]).toMatchObject({
        respondent: p(seed.s.s2.id), communeCode: DONG_KINH, communeName: "Phường Đông Kinh", channel: "telegram",
        questionNumber: 1, moderation: "flagged", late: false,
      });
      expect(res.body.comments[1]).toMatchObject({ respondent: p(seed.s.s4.id), channel: "zalo-oa", late: true, article: "Điều 5" });
      for (const s of Object.values(seed.s)) expect(res.text).not.toContain(s.id);
      // The same export twice gives the same pseudonyms.
      const again = await svc.api("GET", `/api/v1/drafts/${seed.draft.id}/feedback?format=json`, { key: keys.admin });
      expect(again.body.answers.map((a: { respondent: string }) => a.respondent)).toEqual(res.body.answers.map((a: { respondent: string }) => a.respondent));
    });

    it("exports a CSV that Excel reads: UTF-8 with BOM, RFC 4180 quoting, an attachment", async () => {
      const res = await fetch(`${svc.url}/api/v1/drafts/${seed.draft.id}/feedback?format=csv`, { headers: { authorization: `Bearer ${keys.drafter}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/csv; charset=utf-8/);
      expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="?gopy-feedback-nq-12-2025\.csv"?$/);
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const rows = parseCsv(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes).slice(1));
      const [header, ...data] = rows;
      expect(header).toEqual([
        "Loại", "Người góp ý (mã ẩn danh)", "Mã xã/phường", "Xã/phường", "Kênh", "Thời gian (Asia/Ho_Chi_Minh)", "Câu hỏi số",
        "Câu hỏi", "Điều", "Phương án số", "Phương án trả lời", "Nội dung góp ý", "Quá hạn", "Kiểm duyệt", "Xử lý", "Ghi chú xử lý",
      ]);
      expect(data).toHaveLength(8);
      const p = draftPseudonymizer(SECRET, seed.draft.id);
      const comment = data.find((r) => r[0] === "Góp ý" && r[1] === p(seed.s.s2.id))!;
      expect(comment[11]).toBe('Mức phí "20.000đ", hơi cao,\nnên giảm cho học sinh');
      expect(comment.slice(12, 15)).toEqual(["Không", "Bị báo cáo", "Chưa xử lý"]);
      // Text a spreadsheet would run as a formula is neutralised.
      expect(data.find((r) => r[1] === p(seed.s.s4.id) && r[0] === "Góp ý")![11]).toBe("'=HYPERLINK(\"x\") góp ý muộn");
      const late = data.filter((r) => r[0] === "Trả lời" && r[12] === "Có").map((r) => r[10]);
      expect(late.sort()).toEqual(["Không đồng ý", "Ý kiến khác"]);
      expect(data.every((r) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(r[5]!))).toBe(true);
      const text = new TextDecoder().decode(bytes);
      for (const s of Object.values(seed.s)) expect(text).not.toContain(s.id);
    });

    it("exports an XLSX with an answers sheet and a comments sheet", async () => {
      const res = await fetch(`${svc.url}/api/v1/drafts/${seed.draft.id}/feedback?format=xlsx&lang=en`, { headers: { authorization: `Bearer ${keys.admin}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
      expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="?gopy-feedback-nq-12-2025\.xlsx"?$/);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(await res.arrayBuffer());
      expect(wb.worksheets.map((w) => w.name)).toEqual(["Answers", "Comments"]);
      const values = (name: string) => {
        const rows: unknown[][] = [];
        wb.getWorksheet(name)!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
        return rows;
      };
      const answers = values("Answers");
      expect(answers[0]).toEqual(["Respondent (pseudonym)", "Commune code", "Commune", "Channel", "Time (Asia/Ho_Chi_Minh)", "Question no.", "Question", "Article", "Choice no.", "Choice", "Late"]);
      expect(answers).toHaveLength(7);
      const p = draftPseudonymizer(SECRET, seed.draft.id);
      const s1 = answers.filter((r) => r[0] === p(seed.s.s1.id));
      expect(s1.map((r) => [r[1], r[5], r[9], r[10]])).toEqual(expect.arrayContaining([[DONG_KINH, 1, "Đồng ý", "No"], [DONG_KINH, 2, "Không", "No"]]));
      expect(answers[1]![4]).toBeInstanceOf(Date);
      const comments = values("Comments");
      expect(comments).toHaveLength(3);
      expect(comments[1]!.slice(0, 3)).toEqual([p(seed.s.s2.id), DONG_KINH, "Phường Đông Kinh"]);
      expect(comments[1]![8]).toBe('Mức phí "20.000đ", hơi cao,\nnên giảm cho học sinh');
      expect(comments[1]!.slice(9, 12)).toEqual(["No", "Flagged", "Pending"]);
      expect(comments[2]![9]).toBe("Yes");
    });

    it("refuses an unknown format with a 400 naming format, and another agency with 404", async () => {
      const res = await svc.api("GET", `/api/v1/drafts/${seed.draft.id}/feedback?format=pdf`, { key: keys.admin });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe("format");
      expect(res.body.detail).toMatch(/format/);
      expect((await svc.api("GET", `/api/v1/drafts/${seed.draft.id}/feedback?format=csv`, { key: keys.otherViewer })).status).toBe(404);
    });
  });

  describe("GET /api/v1/communes", () => {
    it("finds a current unit by an old name without diacritics, and says which old unit matched", async () => {
      const res = await svc.api("GET", "/api/v1/communes?q=mai%20pha", { key: keys.viewer });
      expect(res.status).toBe(200);
      expect(res.body.items[0]).toMatchObject({
        code: DONG_KINH, name: "Phường Đông Kinh", type: "Phường",
        matchedFormer: { name: "Xã Mai Pha", districtName: "Thành phố Lạng Sơn" },
      });
    });

    it("finds a unit by its new name without diacritics, with no former match", async () => {
      const res = await svc.api("GET", "/api/v1/communes?q=dong%20kinh", { key: keys.otherViewer });
      expect(res.body.items[0]).toMatchObject({ code: DONG_KINH, name: "Phường Đông Kinh" });
      expect(res.body.items[0].matchedFormer).toBeUndefined();
    });

    it("finds nothing for a name outside the province", async () => {
      const res = await svc.api("GET", `/api/v1/communes?q=${encodeURIComponent("Hoàn Kiếm")}`, { key: keys.admin });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ count: 0, items: [] });
    });

    it("lists every unit with its former units when there is no query", async () => {
      const res = await svc.api("GET", "/api/v1/communes", { key: keys.drafter });
      expect(res.body.count).toBe(65);
      const dk = res.body.items.find((u: { code: string }) => u.code === DONG_KINH);
      expect(dk.formerUnits.map((f: { name: string }) => f.name)).toContain("Xã Mai Pha");
    });

    it("refuses a query too short to match, naming q, and needs a key", async () => {
      const res = await svc.api("GET", "/api/v1/communes?q=a", { key: keys.admin });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe("q");
      expect((await svc.api("GET", "/api/v1/communes")).status).toBe(401);
    });
  });

  it("documents every read operation in /openapi.json", async () => {
    const res = await svc.api("GET", "/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.paths["/api/v1/drafts/{id}/stats"].get.responses["200"]).toBeDefined();
    expect(res.body.paths["/api/v1/drafts/{id}/feedback"].get.parameters.map((p: { name: string }) => p.name)).toEqual(["id", "format", "lang"]);
    expect(res.body.paths["/api/v1/communes"].get.parameters.map((p: { name: string }) => p.name)).toEqual(["q", "limit"]);
  });
});
