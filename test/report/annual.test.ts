import { eq } from "drizzle-orm";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { drafts } from "../../src/db/schema/index.js";
import { annualReport, type AnnualReport } from "../../src/domain/report/annual.js";
import { draftStats } from "../../src/domain/stats.js";
import { reportDocx } from "../../src/report/docx.js";
import { reportXlsx } from "../../src/report/xlsx.js";
import { createTestDatabase, databaseKinds } from "../support/database.js";
import { DONG_KINH, LUONG_VAN_TRI, TAM_THANH } from "../support/feedback-seed.js";
import { seedReport, TZ } from "./report-seed.js";

const mm = (twips: number) => (twips / 1440) * 25.4;

describe.each(databaseKinds)("annual report on %s", (kind) => {
  let database: Database;
  let seed: Awaited<ReturnType<typeof seedReport>>;
  let province: AnnualReport;
  const input = (agencyId: string | null) => ({
    year: seed.year, agencyId, periodStart: "01-01", timeZone: TZ, province: "Lạng Sơn", minCommentDays: 30, now: new Date(),
  });

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    seed = await seedReport(database.db);
    province = await annualReport(database.db, input(null));
  });
  afterAll(async () => {
    await database?.close();
  });

  it("states its period: 1 January of the year to today (the year is not over)", () => {
    expect(province.period.from).toBe(`${seed.year}-01-01`);
    expect(province.period.to <= `${seed.year}-12-31`).toBe(true);
    expect(province.period.untilAt.getTime()).toBeGreaterThan(Date.now());
  });

  it("counts drafts, high-impact drafts and comment periods", () => {
    expect(province.drafts.map((d) => d.id)).toEqual([seed.draft.id, seed.draftB.id]);
    expect(province.totals).toMatchObject({ drafts: 2, open: 1, closed: 1, highImpact: 1, fullPeriods: 1, shortenedPeriods: 1 });
    const b = province.drafts[1]!;
    expect(b).toMatchObject({ highImpact: true, periodDays: 25, shortenedPeriodReason: "Thiên tai, cần ban hành gấp" });
    expect(province.agencies.map((a) => [a.name, a.drafts, a.highImpact])).toEqual([["Sở Tài chính", 1, 1], ["Sở Tư pháp", 1, 0]]);
  });

  it("agrees with the draft statistics online, and keeps offline apart", async () => {
    for (const d of province.drafts) {
      const [row] = await database.db.select().from(drafts).where(eq(drafts.id, d.id));
      const stats = await draftStats(database.db, row!);
      expect(d.online, d.title).toEqual({ answers: stats.totals.answers, comments: stats.totals.comments, respondents: stats.totals.respondents });
      expect(d.offline, d.title).toEqual(stats.offline);
    }
    const a = province.drafts[0]!;
    expect(a.online).toEqual({ answers: 4, comments: 2, respondents: 3 });
    expect(a.byChannel).toEqual({ telegram: { answers: 4, comments: 2, respondents: 3 } });
    expect(a.offline).toEqual({ meetings: 1, attendees: 40, answers: 73, comments: 4 });
    expect(province.drafts[1]!.byChannel).toEqual({
      telegram: { answers: 1, comments: 0, respondents: 1 },
      "zalo-oa": { answers: 1, comments: 1, respondents: 1 },
    });
    expect(province.totals.online).toEqual({ answers: 6, comments: 3, respondents: 4 });
    expect(province.totals.offline).toEqual({ meetings: 1, attendees: 40, answers: 73, comments: 4 });
  });

  it("gives messages per channel, subscribers and feedback per commune, relays and handling", () => {
    expect(province.messages).toEqual([
      { channel: "telegram", sent: 1, failed: 1, outOfReach: 0, pending: 1 },
      { channel: "zalo-oa", sent: 0, failed: 0, outOfReach: 1, pending: 0 },
    ]);
    const c = (code: string) => province.communes.find((x) => x.code === code)!;
    expect(c(DONG_KINH).subscribers).toEqual({ telegram: 2 });
    expect(c(LUONG_VAN_TRI).subscribers).toEqual({ telegram: 3 });
    expect(c(TAM_THANH).subscribers).toEqual({ telegram: 1, "zalo-oa": 1 });
    expect(c(DONG_KINH).online).toEqual({ answers: 4, comments: 2, respondents: 2 });
    expect(c(DONG_KINH).offline).toEqual({ meetings: 1, attendees: 40, answers: 73, comments: 4 });
    expect(c(DONG_KINH).relays).toEqual({ sent: 1, confirmed: 1 });
    expect(c(LUONG_VAN_TRI).online).toEqual({ answers: 1, comments: 0, respondents: 1 });
    expect(c(LUONG_VAN_TRI).relays).toEqual({ sent: 1, confirmed: 0 });
    expect(c(TAM_THANH).byChannel).toEqual({ "zalo-oa": { answers: 1, comments: 1, respondents: 1 } });
    expect(province.totals.relays).toEqual({ sent: 2, confirmed: 1 });
    expect(province.totals.handling).toEqual({ accepted: 1, explained: 1, pending: 1 });
  });

  it("narrows to one agency", async () => {
    const own = await annualReport(database.db, input(seed.agency.id));
    expect(own.agency).toEqual({ id: seed.agency.id, name: "Sở Tư pháp" });
    expect(own.drafts.map((d) => d.id)).toEqual([seed.draft.id]);
    expect(own.totals.online).toEqual({ answers: 4, comments: 2, respondents: 3 });
    expect(own.messages.map((m) => m.channel)).toEqual(["telegram", "zalo-oa"]);
  });

  it("XLSX: one sheet per table, real numbers matching the report, frozen headers", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await reportXlsx(province, { locale: "vi", timeZone: TZ }) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      "Tổng hợp", "Dự thảo", "Thời gian lấy ý kiến", "Tin nhắn", "Người đăng ký", "Ý kiến theo dự thảo", "Ý kiến theo xã", "Theo cơ quan",
    ]);
    for (const ws of wb.worksheets) {
      expect(ws.views[0], ws.name).toMatchObject({ state: "frozen", ySplit: 1 });
      expect(ws.getColumn(2).width ?? 0, ws.name).toBeGreaterThanOrEqual(8);
    }
    const sheetRows = (name: string) => {
      const ws = wb.getWorksheet(name)!;
      const header = (ws.getRow(1).values as unknown[]).slice(1).map(String);
      const rows: Record<string, unknown>[] = [];
      ws.eachRow((row, n) => {
        if (n > 1) rows.push(Object.fromEntries(header.map((h, i) => [h, row.getCell(i + 1).value])));
      });
      return rows;
    };
    const fb = sheetRows("Ý kiến theo dự thảo");
    expect(fb.map((r) => r["Tên dự thảo"])).toEqual(province.drafts.map((d) => d.title));
    expect(fb[0]).toMatchObject({ "Trả lời (Telegram)": 4, "Trả lời (Zalo OA)": 0, "Trả lời": 4, "Ý kiến": 2, "Người tham gia": 3, "Buổi trực tiếp": 1, "Người dự": 40, "Trả lời trực tiếp": 73, "Ý kiến trực tiếp": 4, "Đã xác nhận đọc": 1, "Tiếp thu": 1 });
    const messages = sheetRows("Tin nhắn");
    expect(messages).toEqual([
      { "Kênh": "Telegram", "Đã gửi": 1, "Lỗi": 1, "Ngoài phạm vi gửi": 0, "Đang chờ": 1 },
      { "Kênh": "Zalo OA", "Đã gửi": 0, "Lỗi": 0, "Ngoài phạm vi gửi": 1, "Đang chờ": 0 },
    ]);
    const subs = sheetRows("Người đăng ký").find((r) => r["Mã"] === TAM_THANH)!;
    expect(subs).toMatchObject({ Telegram: 1, "Zalo OA": 1, "Tổng": 2 });
    const periods = sheetRows("Thời gian lấy ý kiến");
    expect(periods.map((r) => [r["Số ngày"], r["Lý do rút ngắn"]])).toEqual([[39, null], [25, "Thiên tai, cần ban hành gấp"]]);
    expect(periods[0]!["Hết hạn"]).toBeInstanceOf(Date);
  });

  it("DOCX: A4, Decree 30 margins, Times New Roman 13–14, motto, italic place and date, sections, tables, a chart", async () => {
    const zip = await JSZip.loadAsync(await reportDocx(province, { locale: "vi", timeZone: TZ }));
    const xml = await zip.file("word/document.xml")!.async("string");
    const attr = (tag: string, name: string) => Number(new RegExp(`<w:${tag}\\b[^>]*\\bw:${name}="(\\d+)"`).exec(xml)?.[1]);
    expect([attr("pgSz", "w"), attr("pgSz", "h")]).toEqual([11906, 16838]);
    expect(mm(attr("pgMar", "top"))).toBeGreaterThanOrEqual(19.9);
    expect(mm(attr("pgMar", "top"))).toBeLessThanOrEqual(25.1);
    expect(mm(attr("pgMar", "bottom"))).toBeGreaterThanOrEqual(19.9);
    expect(mm(attr("pgMar", "bottom"))).toBeLessThanOrEqual(25.1);
    expect(mm(attr("pgMar", "left"))).toBeGreaterThanOrEqual(29.9);
    expect(mm(attr("pgMar", "left"))).toBeLessThanOrEqual(35.1);
    expect(mm(attr("pgMar", "right"))).toBeGreaterThanOrEqual(14.9);
    expect(mm(attr("pgMar", "right"))).toBeLessThanOrEqual(20.1);

    const fonts = new Set([...xml.matchAll(/w:ascii="([^"]+)"/g)].map((m) => m[1]));
    expect([...fonts]).toEqual(["Times New Roman"]);
    const sizes = new Set([...xml.matchAll(/<w:sz w:val="(\d+)"/g)].map((m) => Number(m[1]) / 2));
    expect([...sizes].every((s) => s >= 13 && s <= 14)).toBe(true);

    const runs = [...xml.matchAll(/<w:r>(.*?)<\/w:r>/gs)].map((m) => ({ props: m[1]!, text: /<w:t[^>]*>([^<]*)<\/w:t>/.exec(m[1]!)?.[1] ?? "" }));
    const runOf = (text: string | RegExp) => runs.find((r) => (typeof text === "string" ? r.text === text : text.test(r.text)));
    expect(runOf("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")?.props).toMatch(/<w:b\/>/);
    expect(runOf("Độc lập - Tự do - Hạnh phúc")?.props).toMatch(/<w:u /);
    const dateLine = runOf(/^Lạng Sơn, ngày \d{2} tháng \d{1,2} năm \d{4}$/);
    expect(dateLine?.props).toMatch(/<w:i\/>/);
    expect(runOf("Số: …/BC-STP")).toBeDefined();
    expect(runOf("BÁO CÁO")?.props).toMatch(/<w:b\/>/);
    for (const s of ["I. DỰ THẢO ĐÃ TRUYỀN THÔNG", "II. THỜI GIAN LẤY Ý KIẾN", "VIII. XỬ LÝ Ý KIẾN", "IX. THEO CƠ QUAN CHỦ TRÌ SOẠN THẢO", "Nơi nhận:"]) {
      expect(runOf(s), s).toBeDefined();
    }
    // The figures of the report, in the text.
    expect(runOf(/^Trực tuyến: 6 lượt trả lời, 3 ý kiến của 4 người\. Trực tiếp .*: 1 buổi, 40 người dự, 73 lượt trả lời, 4 ý kiến\./)).toBeDefined();
    expect(runOf(/^Trong kỳ đã truyền thông 2 dự thảo \(1 đang lấy ý kiến, 1 đã kết thúc\), trong đó 1 dự thảo có tác động lớn/)).toBeDefined();
    expect(runOf("Thiên tai, cần ban hành gấp")).toBeDefined();
    expect((xml.match(/<w:tbl>/g) ?? []).length).toBeGreaterThanOrEqual(10);

    const media = Object.keys(zip.files).filter((f) => f.startsWith("word/media/"));
    expect(media).toHaveLength(1);
    const png = PNG.sync.read(Buffer.from(await zip.file(media[0]!)!.async("uint8array")));
    expect(png.width).toBe(1200);
    expect(xml).toMatch(/<pic:pic/);
  });
});
