import {
  AlignmentType, BorderStyle, convertMillimetersToTwip, Document, ImageRun, Packer, PageOrientation, Paragraph, Table, TableCell,
  TableRow, TextRun, WidthType, type IParagraphOptions,
} from "docx";
import type { AnnualReport, ReportCommune } from "../domain/report/annual.js";
import { localDateTime } from "../text/local-time.js";
import { t, type Locale, type MessageKey } from "../i18n/index.js";
import { fold } from "../text/fold.js";
import { participationPng } from "./chart.js";
import { dmy, reportTables, type Cell, type RenderOptions, type ReportTable } from "./tables.js";

/** Decree 30/2020/NĐ-CP: A4, margins (mm), Times New Roman 13–14 pt (sizes in half-points). */
/** A4 in twips, as Word writes it. */
const A4 = { width: 11906, height: 16838 };
const MARGIN_MM = { top: 20, bottom: 20, left: 30, right: 15 };
const FONT = "Times New Roman";
const BODY = 28;
const SMALL = 26;
/** Width of the text block in pixels at 96 dpi (210 − 30 − 15 mm), for the chart image. */
const TEXT_WIDTH_PX = Math.round(((210 - MARGIN_MM.left - MARGIN_MM.right) / 25.4) * 96);
const CHART_COMMUNES = 30;

const noBorders = {
  top: { style: BorderStyle.NONE, size: 0, color: "FFFFFF" },
  bottom: { style: BorderStyle.NONE, size: 0, color: "FFFFFF" },
  left: { style: BorderStyle.NONE, size: 0, color: "FFFFFF" },
  right: { style: BorderStyle.NONE, size: 0, color: "FFFFFF" },
  insideHorizontal: { style: BorderStyle.NONE, size: 0, color: "FFFFFF" },
  insideVertical: { style: BorderStyle.NONE, size: 0, color: "FFFFFF" },
};

type RunStyle = { bold?: boolean; italics?: boolean; underline?: boolean; size?: number };
const run = (text: string, s: RunStyle = {}) =>
  new TextRun({ text, font: FONT, size: s.size ?? BODY, bold: s.bold, italics: s.italics, ...(s.underline ? { underline: {} } : {}) });
const para = (children: TextRun[], o: Partial<IParagraphOptions> = {}) => new Paragraph({ spacing: { after: 60 }, ...o, children });
const center = (text: string, s: RunStyle = {}) => para([run(text, s)], { alignment: AlignmentType.CENTER, spacing: { after: 0 } });
const body = (text: string) => para([run(text)], { alignment: AlignmentType.JUSTIFIED, indent: { firstLine: convertMillimetersToTwip(10) }, spacing: { after: 120 } });
const heading = (text: string) => para([run(text, { bold: true })], { spacing: { before: 200, after: 120 } });

/** Initials of an agency's name for the document number ("Sở Tư pháp" → "STP"). */
export function agencyAbbreviation(name: string): string {
  return fold(name).split(" ").map((w) => w[0] ?? "").join("").toUpperCase();
}

/** "Lạng Sơn, ngày 05 tháng 11 năm 2026": days below 10 and months 1–2 take a leading zero (Decree 30). */
export function placeDateLine(locale: Locale, province: string, at: Date, timeZone: string): string {
  const [y, m, d] = localDateTime(at, timeZone).slice(0, 10).split("-").map(Number) as [number, number, number];
  const day = String(d).padStart(2, "0");
  const month = m < 3 ? String(m).padStart(2, "0") : String(m);
  return t(locale, "report.placeDate", { province, day, month, year: y });
}

/** Dates in the tables are wall-clock dates already (their UTC fields are the local date). */
function cellText(v: Cell, locale: Locale): string {
  if (v === null) return "";
  if (v instanceof Date) return dmy(v.toISOString().slice(0, 10));
  if (typeof v === "number") return new Intl.NumberFormat(locale === "en" ? "en-GB" : "vi-VN").format(v);
  return v;
}

/** A bordered table: the header row in bold; numbers right-aligned; 13 pt. */
function docxTable(table: ReportTable, locale: Locale): Table {
  const cell = (text: string, bold: boolean, right: boolean) =>
    new TableCell({ children: [new Paragraph({ alignment: right ? AlignmentType.RIGHT : AlignmentType.LEFT, children: [run(text, { bold, size: SMALL })] })] });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: table.columns.map((c) => cell(c.header, true, false)) }),
      ...table.rows.map((r) => new TableRow({ children: r.map((v, i) => cell(cellText(v, locale), false, table.columns[i]?.kind === "number")) })),
    ],
  });
}

/** Only some columns of a table (the DOCX page is narrower than a spreadsheet). */
function columns(table: ReportTable, keep: number[]): ReportTable {
  return { ...table, columns: keep.map((i) => table.columns[i]!), rows: table.rows.map((r) => keep.map((i) => r[i] ?? null)) };
}
const range = (from: number, to: number) => Array.from({ length: to - from }, (_v, i) => from + i);

function chartParagraph(r: AnnualReport, L: Locale): Paragraph {
  const active = r.communes.filter((c) => c.online.respondents > 0 || c.offline.attendees > 0);
  const score = (c: ReportCommune) => c.online.respondents + c.offline.attendees;
  const shown = (active.length ? [...active].sort((a, b) => score(b) - score(a)) : r.communes).slice(0, CHART_COMMUNES);
  const { png, width, height } = participationPng({
    labels: shown.map((c) => c.name),
    series: [
      { name: t(L, "report.chart.online"), values: shown.map((c) => c.online.respondents) },
      { name: t(L, "report.chart.offline"), values: shown.map((c) => c.offline.attendees) },
    ],
  });
  const w = TEXT_WIDTH_PX;
  return new Paragraph({
    alignment: AlignmentType.CENTER,
    children: [new ImageRun({ type: "png", data: png, transformation: { width: w, height: Math.round((height / width) * w) } })],
  });
}

function headerBlock(r: AnnualReport, o: RenderOptions): Table {
  const L = o.locale;
  const province = r.province.toLocaleUpperCase("vi");
  const agency = r.agency ? r.agency.name.toLocaleUpperCase("vi") : t(L, "report.agencyProvince");
  const abbr = agencyAbbreviation(r.agency ? r.agency.name : t("vi", "report.agencyProvince"));
  const left = [
    center(t(L, "report.parent", { province }), { size: SMALL }),
    center(agency, { bold: true, size: SMALL }),
    center("———", { size: SMALL }),
    center(t(L, "report.number", { abbr }), { size: SMALL }),
  ];
  const right = [
    center(t(L, "report.motto1"), { bold: true, size: SMALL }),
    center(t(L, "report.motto2"), { bold: true, underline: true }),
    para([run(" ")]),
    center(placeDateLine(L, r.province, r.generatedAt, o.timeZone), { italics: true }),
  ];
  const col = (children: Paragraph[], pct: number) => new TableCell({ borders: noBorders, width: { size: pct, type: WidthType.PERCENTAGE }, children });
  return new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, borders: noBorders, rows: [new TableRow({ children: [col(left, 40), col(right, 60)] })] });
}

function signatureBlock(L: Locale): Table {
  const left = [
    para([run(t(L, "report.recipients"), { bold: true, italics: true, size: SMALL })], { spacing: { after: 0 } }),
    ...(["report.recipient1", "report.recipient2", "report.recipient3"] as MessageKey[]).map((k) => para([run(t(L, k), { size: SMALL })], { spacing: { after: 0 } })),
  ];
  const right = [center(t(L, "report.signRole"), { bold: true }), center(t(L, "report.signNote"), { italics: true, size: SMALL })];
  const col = (children: Paragraph[]) => new TableCell({ borders: noBorders, width: { size: 50, type: WidthType.PERCENTAGE }, children });
  return new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, borders: noBorders, rows: [new TableRow({ children: [col(left), col(right)] })] });
}

/**
 * The annual report as DOCX in the administrative form of Decree 30/2020/NĐ-CP: A4 portrait, margins
 * 20/20/30/15 mm, Times New Roman 13–14 pt, the agency and the national motto side by side, the number,
 * the place and date in italics, the title and subject, numbered sections with tables and a chart of
 * participation per commune, the recipients and the signature block.
 */
export async function reportDocx(r: AnnualReport, o: RenderOptions): Promise<Buffer> {
  const L = o.locale;
  const tables = new Map(reportTables(r, o).map((x) => [x.id, x]));
  const tbl = (id: ReportTable["id"]) => tables.get(id)!;
  const n = r.channels.length;
  const tot = r.totals;
  const orNone = (table: ReportTable) => (table.rows.length ? docxTable(table, L) : body(t(L, "report.none")));

  const shortened = tbl("periods");
  const sections = [
    headerBlock(r, o),
    para([run(" ")]),
    center(t(L, "report.title"), { bold: true }),
    center(t(L, "report.subject", { year: r.year }), { bold: true }),
    center("———"),
    body(t(L, "report.period", { from: dmy(r.period.from), to: dmy(r.period.to) })),
    body(r.agency ? t(L, "report.scopeAgency", { agency: r.agency.name }) : t(L, "report.scopeProvince", { province: r.province })),
    heading(t(L, "report.s1")),
    body(t(L, "report.s1.summary", { drafts: tot.drafts, open: tot.open, closed: tot.closed, highImpact: tot.highImpact })),
    orNone(columns(tbl("drafts"), [0, 1, 2, 3, 4, 5, 6])),
    heading(t(L, "report.s2")),
    body(t(L, "report.s2.summary", { full: tot.fullPeriods, days: r.minCommentDays, shortened: tot.shortenedPeriods })),
    orNone({ ...columns(shortened, [0, 1, 2, 5, 6]) }),
    heading(t(L, "report.s3")),
    orNone(tbl("messages")),
    heading(t(L, "report.s4")),
    orNone({ ...tbl("subscribers"), rows: tbl("subscribers").rows.filter((row) => Number(row[row.length - 1]) > 0) }),
    heading(t(L, "report.s5")),
    body(t(L, "report.s5.summary", {
      answers: tot.online.answers, comments: tot.online.comments, respondents: tot.online.respondents, meetings: tot.offline.meetings,
      attendees: tot.offline.attendees, offlineAnswers: tot.offline.answers, offlineComments: tot.offline.comments,
    })),
    orNone(columns(tbl("feedback"), [0, 2, ...range(3, 3 + n), 3 + n, 4 + n, 5 + n])),
    orNone(columns(tbl("feedback"), [0, 2, 6 + n, 7 + n, 8 + n, 9 + n])),
    heading(t(L, "report.s6")),
    body(t(L, "report.s6.chart")),
    chartParagraph(r, L),
    orNone({
      ...columns(tbl("communes"), [1, 4 + n, 2 + n, 3 + n, 5 + n, 6 + n, 7 + n, 8 + n]),
      rows: columns(tbl("communes"), [1, 4 + n, 2 + n, 3 + n, 5 + n, 6 + n, 7 + n, 8 + n]).rows.filter((row) => row.slice(1).some((v) => Number(v) > 0)),
    }),
    heading(t(L, "report.s7")),
    body(t(L, "report.s7.summary", { ...tot.relays })),
    orNone({ ...columns(tbl("feedback"), [0, 2, 10 + n, 11 + n]) }),
    heading(t(L, "report.s8")),
    body(t(L, "report.s8.summary", { ...tot.handling })),
    orNone(columns(tbl("feedback"), [0, 2, 12 + n, 13 + n, 14 + n])),
    ...(r.agency ? [] : [heading(t(L, "report.s9")), orNone(columns(tbl("agencies"), [0, 1, 2, 3, 4, 5, 6, 7]))]),
    para([run(" ")]),
    signatureBlock(L),
  ];

  const doc = new Document({
    creator: "gopy",
    title: `${t(L, "report.title")} ${r.year}`,
    styles: { default: { document: { run: { font: FONT, size: BODY } } } },
    sections: [
      {
        properties: {
          page: {
            size: { ...A4, orientation: PageOrientation.PORTRAIT },
            margin: {
              top: convertMillimetersToTwip(MARGIN_MM.top),
              bottom: convertMillimetersToTwip(MARGIN_MM.bottom),
              left: convertMillimetersToTwip(MARGIN_MM.left),
              right: convertMillimetersToTwip(MARGIN_MM.right),
            },
          },
        },
        children: sections,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
