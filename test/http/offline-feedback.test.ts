import { sql } from "drizzle-orm";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/db/client.js";
import { localDateTime } from "../../src/text/local-time.js";
import { parseCsv } from "../support/csv.js";
import { databaseKinds } from "../support/database.js";
import { DONG_KINH, LUONG_VAN_TRI, TAM_THANH, seedFeedback } from "../support/feedback-seed.js";
import { useApiKeys, useTestService } from "../support/lifecycle.js";

const DAY = 86_400_000;
const TZ = "Asia/Ho_Chi_Minh";
const localDay = (msAgo: number) => localDateTime(new Date(Date.now() - msAgo), TZ).slice(0, 10);

describe.each(databaseKinds)("offline feedback API on %s", (kind) => {
  const svc = useTestService(kind);
  let seed: Awaited<ReturnType<typeof seedFeedback>>;
  const valid = () => ({
    commune: DONG_KINH,
    meetingDate: localDay(10 * DAY),
    attendees: 40,
    answers: [
      { question: 1, counts: [25, 10, 2] },
      { question: 2, counts: [30, 6] },
    ],
    comments: 4,
    commentSummary: "Đề nghị giảm phí cho học sinh.",
  });
  const path = () => `/api/v1/drafts/${seed.draft.id}/offline-feedback`;
  const written = async () => {
    const [r] = await queryRows<{ rows: number; audits: number }>(svc.database.db, sql`
      select (select count(*) from offline_feedback)::int as rows,
        (select count(*) from audit_log where action = 'offline-feedback.create')::int as audits`);
    return r!;
  };

  beforeAll(async () => {
    seed = await seedFeedback(svc.database.db);
  });
  const keys = useApiKeys(svc, { admin: ["admin"], drafter: ["drafter", "Sở Tư pháp"], viewer: ["viewer", "Sở Tư pháp"], otherDrafter: ["drafter", "Sở Tài chính"] });

  it("refuses each bad input with a 4xx problem naming the field, and writes nothing", async () => {
    const cases: [string, Record<string, unknown>, number, string][] = [
      ["unknown commune", { commune: "99999" }, 422, "commune"],
      ["commune not a target", { commune: TAM_THANH }, 422, "commune"],
      ["malformed commune", { commune: "Đông Kinh" }, 400, "commune"],
      ["question not of the draft", { answers: [{ question: 3, counts: [1] }] }, 422, "answers.0.question"],
      ["choice not of the question", { answers: [{ question: 2, counts: [1, 1, 1] }] }, 422, "answers.0.counts.2"],
      ["the same question twice", { answers: [{ question: 1, counts: [1] }, { question: 1, counts: [2] }] }, 422, "answers.1.question"],
      ["negative count", { answers: [{ question: 1, counts: [-1, 2, 0] }] }, 400, "answers.0.counts.0"],
      ["fractional count", { answers: [{ question: 1, counts: [1.5, 2, 0] }] }, 400, "answers.0.counts.0"],
      ["negative attendees", { attendees: -3 }, 400, "attendees"],
      ["meeting in the future", { meetingDate: localDay(-2 * DAY) }, 422, "meetingDate"],
      ["meeting before publication", { meetingDate: localDay(45 * DAY) }, 422, "meetingDate"],
      ["not a date", { meetingDate: "20/11/2026" }, 400, "meetingDate"],
      ["fewer attendees than answers", { attendees: 36 }, 422, "attendees"],
      ["unknown field", { mood: "happy" }, 400, "mood"],
    ];
    for (const [what, patch, status, field] of cases) {
      const res = await svc.api("POST", path(), { key: keys.drafter, body: { ...valid(), ...patch } });
      expect(res.status, what).toBe(status);
      expect(res.headers.get("content-type"), what).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field), what).toContain(field);
    }
    expect(await written()).toEqual({ rows: 0, audits: 0 });
  });

  it("refuses a viewer, another agency's drafter, and an unknown draft", async () => {
    expect((await svc.api("POST", path(), { key: keys.viewer, body: valid() })).status).toBe(403);
    const other = await svc.api("POST", path(), { key: keys.otherDrafter, body: valid() });
    expect([403, 404]).toContain(other.status);
    expect((await svc.api("POST", `/api/v1/drafts/7d3f1a52-0000-4000-8000-000000000000/offline-feedback`, { key: keys.admin, body: valid() })).status).toBe(404);
    expect((await svc.api("GET", path(), { key: keys.otherDrafter })).status).not.toBe(200);
    expect(await written()).toEqual({ rows: 0, audits: 0 });
  });

  it("records a meeting, lists it, audit-logs it, and shows it beside the online figures in the stats", async () => {
    const before = await svc.api("GET", `/api/v1/drafts/${seed.draft.id}/stats`, { key: keys.admin });
    const res = await svc.api("POST", path(), { key: keys.drafter, body: valid() });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ commune: { code: DONG_KINH, name: "Phường Đông Kinh" }, attendees: 40, comments: 4 });
    expect(res.body.answers.map((a: { question: number; counts: number[] }) => [a.question, a.counts])).toEqual([[1, [25, 10, 2]], [2, [30, 6]]]);
    expect(res.body.enteredBy).toMatch(/^key:/);
    const short = await svc.api("POST", path(), {
      key: keys.admin,
      body: { commune: LUONG_VAN_TRI, meetingDate: localDay(3 * DAY), attendees: 5, answers: [{ question: 1, counts: [3] }] },
    });
    expect(short.status).toBe(201);
    expect(short.body.answers[0].counts).toEqual([3, 0, 0]);

    const list = await svc.api("GET", path(), { key: keys.viewer });
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: { commune: { code: string } }) => i.commune.code)).toEqual([DONG_KINH, LUONG_VAN_TRI]);
    expect(await written()).toEqual({ rows: 2, audits: 2 });

    const stats = await svc.api("GET", `/api/v1/drafts/${seed.draft.id}/stats`, { key: keys.viewer });
    expect(stats.status).toBe(200);
    // Online figures unchanged; offline ones beside them.
    expect(stats.body.totals).toEqual(before.body.totals);
    const q1 = stats.body.questions[0];
    expect(q1.choices.map((c: { count: number }) => c.count)).toEqual([2, 1, 0]);
    expect(q1.choices.map((c: { offline: number }) => c.offline)).toEqual([28, 10, 2]);
    expect(q1.choices.map((c: { byChannel: Record<string, number> }) => c.byChannel)).toEqual([{ telegram: 2 }, { telegram: 1 }, {}]);
    expect(q1.answers).toBe(3);
    expect(q1.offlineAnswers).toBe(40);
    expect(stats.body.offline).toEqual({ meetings: 2, attendees: 45, answers: 76, comments: 4 });
    expect(stats.body.byChannel).toEqual([{ channel: "telegram", respondents: 3, answers: 4, comments: 1 }]);
    const dk = stats.body.communes.find((c: { code: string }) => c.code === DONG_KINH);
    expect(dk).toMatchObject({ subscribers: 2, respondents: 2 });
    expect(stats.body.offlineByCommune).toEqual([
      { code: DONG_KINH, name: "Phường Đông Kinh", meetings: 1, attendees: 40, answers: 73, comments: 4 },
      { code: LUONG_VAN_TRI, name: "Phường Lương Văn Tri", meetings: 1, attendees: 5, answers: 3, comments: 0 },
    ]);
  });

  it("exports the offline counts apart from the online rows: a CSV section, an XLSX sheet, a JSON list", async () => {
    const auth = { authorization: `Bearer ${keys.drafter}` };
    const csv = await (await fetch(`${svc.url}/api/v1/drafts/${seed.draft.id}/feedback?format=csv`, { headers: auth })).text();
    const [online, offline] = csv.split("\r\n\r\n");
    const rows = parseCsv(offline!);
    expect(rows[0]).toEqual(["Trực tiếp"]);
    expect(rows[1]).toEqual(["Mã xã/phường", "Xã/phường", "Ngày họp", "Số người dự", "Câu hỏi số", "Câu hỏi", "Phương án số", "Phương án trả lời", "Số người chọn", "Số ý kiến", "Tóm tắt ý kiến"]);
    expect(rows.slice(2).filter((r) => r[0] === DONG_KINH).map((r) => [r[4], r[6], r[8]])).toEqual([
      ["1", "1", "25"], ["1", "2", "10"], ["1", "3", "2"], ["2", "1", "30"], ["2", "2", "6"],
    ]);
    // The online rows are the same eight as without offline feedback.
    expect(parseCsv(online!.slice(1) + "\r\n").slice(1)).toHaveLength(8);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await (await fetch(`${svc.url}/api/v1/drafts/${seed.draft.id}/feedback?format=xlsx&lang=en`, { headers: auth })).arrayBuffer());
    expect(wb.worksheets.map((w) => w.name)).toEqual(["Answers", "Comments", "Offline"]);
    const sheet = wb.getWorksheet("Offline")!;
    expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    const counts: unknown[] = [];
    sheet.eachRow((row, n) => n > 1 && counts.push(row.getCell(9).value));
    expect(counts).toEqual([25, 10, 2, 30, 6, 3, 0, 0]);

    const json = await svc.api("GET", `/api/v1/drafts/${seed.draft.id}/feedback`, { key: keys.drafter });
    expect(json.body.offline).toHaveLength(8);
    expect(json.body.answers).toHaveLength(6);
  });
});
