import type { Feedback } from "../domain/feedback.js";
import type { OfflineExportRow } from "../domain/offline-feedback.js";
import { maskContacts } from "../domain/moderation/flags.js";
import { catalogues, t, type Locale, type MessageKey } from "../i18n/index.js";
import { toCsv, type CsvValue } from "./csv.js";
import { localDateTime, wallClockDate } from "../text/local-time.js";

export interface ExportOptions {
  locale: Locale;
  timeZone: string;
}

const yesNo = (locale: Locale, v: boolean) => t(locale, v ? "export.yes" : "export.no");
const label = (locale: Locale, prefix: "export.moderation." | "export.handling.", v: string) => {
  const key = (prefix + v) as MessageKey;
  return key in catalogues[locale] ? t(locale, key) : v;
};

/** The feedback as exported in every format: residents' phone numbers and e-mail addresses masked in comments. */
export function maskedFeedback(fb: Feedback): Feedback {
  return { ...fb, comments: fb.comments.map((c) => ({ ...c, text: maskContacts(c.text) })) };
}

const OFFLINE_COLUMNS = [
  ["communeCode", 12], ["communeName", 24], ["meetingDate", 14], ["attendees", 12], ["questionNumber", 10], ["question", 50],
  ["choiceNumber", 10], ["choice", 30], ["count", 10], ["offlineComments", 12], ["commentSummary", 60],
] as const;
const offlineHeader = (L: Locale) => OFFLINE_COLUMNS.map(([c]) => t(L, `export.col.${c}` as MessageKey));
const offlineValues = (r: OfflineExportRow): CsvValue[] => [
  r.communeCode, r.communeName, r.meetingDate, r.attendees, r.questionNumber, r.question, r.choiceNumber, r.choice, r.count, r.comments, r.commentSummary,
];

/**
 * One CSV for both kinds of feedback: a Type column tells answers from comments. Offline feedback,
 * when there is some, follows as a second section (a blank line, its title, its own header): its
 * counts are never mixed into the online rows.
 */
export function feedbackCsv(feedback: Feedback, o: ExportOptions, offline: OfflineExportRow[] = []): string {
  const online = onlineCsv(maskedFeedback(feedback), o);
  if (!offline.length) return online;
  return online + "\r\n" + toCsv([t(o.locale, "export.sheet.offline")], [offlineHeader(o.locale), ...offline.map(offlineValues)]).slice(1);
}

function onlineCsv(fb: Feedback, o: ExportOptions): string {
  const L = o.locale;
  const header = (
    ["type", "respondent", "communeCode", "communeName", "channel", "at", "questionNumber", "question", "article",
      "choiceNumber", "choice", "comment", "late", "moderation", "handling", "handlingNote"] as const
  ).map((c) => t(L, `export.col.${c}`, { tz: o.timeZone }));
  const rows: { at: Date; row: CsvValue[] }[] = [
    ...fb.answers.map((a) => ({
      at: a.at,
      row: [t(L, "export.type.answer"), a.respondent, a.communeCode, a.communeName, a.channel, localDateTime(a.at, o.timeZone),
        a.questionNumber, a.question, a.article, a.choiceNumber, a.choice, null, yesNo(L, a.late), null, null, null],
    })),
    ...fb.comments.map((c) => ({
      at: c.at,
      row: [t(L, "export.type.comment"), c.respondent, c.communeCode, c.communeName, c.channel, localDateTime(c.at, o.timeZone),
        c.questionNumber, c.question, c.article, null, null, c.text, yesNo(L, c.late), label(L, "export.moderation.", c.moderation),
        label(L, "export.handling.", c.handling), c.handlingNote],
    })),
  ];
  rows.sort((a, b) => a.at.getTime() - b.at.getTime());
  return toCsv(header, rows.map((r) => r.row));
}

/** An XLSX workbook with two sheets, answers and comments, and a third for offline feedback when there is some. */
export async function feedbackXlsx(feedback: Feedback, o: ExportOptions, offline: OfflineExportRow[] = []): Promise<Buffer> {
  const fb = maskedFeedback(feedback);
  // Loaded on first use: exceljs and its zip libraries are ~400 modules, kept out of an idle service's memory.
  const { default: ExcelJS } = await import("exceljs");
  const L = o.locale;
  const wb = new ExcelJS.Workbook();
  wb.creator = "gopy";
  wb.created = fb.generatedAt;
  const col = (key: string, width: number) => ({ header: t(L, `export.col.${key}` as MessageKey, { tz: o.timeZone }), key, width });
  const dateFmt = "yyyy-mm-dd hh:mm:ss";

  const answers = wb.addWorksheet(t(L, "export.sheet.answers"));
  answers.columns = [
    col("respondent", 20), col("communeCode", 12), col("communeName", 24), col("channel", 10), col("at", 20),
    col("questionNumber", 10), col("question", 50), col("article", 10), col("choiceNumber", 10), col("choice", 30), col("late", 10),
  ];
  answers.getColumn("at").numFmt = dateFmt;
  for (const a of fb.answers) {
    answers.addRow({ ...a, at: wallClockDate(a.at, o.timeZone), late: yesNo(L, a.late) });
  }

  const comments = wb.addWorksheet(t(L, "export.sheet.comments"));
  comments.columns = [
    col("respondent", 20), col("communeCode", 12), col("communeName", 24), col("channel", 10), col("at", 20),
    col("questionNumber", 10), col("question", 40), col("article", 10), { ...col("comment", 80), key: "text" }, col("late", 10),
    col("moderation", 14), col("handling", 14), col("handlingNote", 40),
  ];
  comments.getColumn("at").numFmt = dateFmt;
  comments.getColumn("text").alignment = { wrapText: true, vertical: "top" };
  for (const c of fb.comments) {
    comments.addRow({
      ...c,
      at: wallClockDate(c.at, o.timeZone),
      late: yesNo(L, c.late),
      moderation: label(L, "export.moderation.", c.moderation),
      handling: label(L, "export.handling.", c.handling),
    });
  }
  const sheets = [answers, comments];
  if (offline.length) {
    const ws = wb.addWorksheet(t(L, "export.sheet.offline"));
    ws.columns = OFFLINE_COLUMNS.map(([key, width]) => ({ header: t(L, `export.col.${key}` as MessageKey), key, width }));
    for (const r of offline) ws.addRow(offlineValues(r));
    sheets.push(ws);
  }
  for (const ws of sheets) {
    ws.getRow(1).font = { bold: true };
    ws.views = [{ state: "frozen", ySplit: 1 }];
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
