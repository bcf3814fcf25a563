import type { AnnualReport, OnlineFigures } from "../domain/report/annual.js";
import { t, type Locale, type MessageKey } from "../i18n/index.js";
import { wallClockDate } from "../text/local-time.js";

export interface RenderOptions {
  locale: Locale;
  timeZone: string;
}

export type Cell = string | number | Date | null;
export interface ReportColumn {
  header: string;
  /** Spreadsheet width in characters. */
  width: number;
  kind: "text" | "number" | "date";
}
/** One table of the report, shared by the XLSX (one sheet each) and the DOCX (one table each). */
export interface ReportTable {
  id: "summary" | "drafts" | "periods" | "messages" | "subscribers" | "feedback" | "communes" | "agencies";
  title: string;
  columns: ReportColumn[];
  rows: Cell[][];
}

/** The wording of a channel ("telegram" → "Telegram", "offline" → "Trực tiếp"). */
export function channelLabel(locale: Locale, channel: string): string {
  const key = `report.channel.${channel}` as MessageKey;
  return t(locale, key) === key ? channel : t(locale, key);
}

/** "dd/mm/yyyy" of an ISO local date (YYYY-MM-DD). */
export const dmy = (isoDate: string) => isoDate.split("-").reverse().join("/");

/** Every table of the report, in the order of its sections. */
export function reportTables(r: AnnualReport, o: RenderOptions): ReportTable[] {
  const L = o.locale;
  const h = (key: string, params: Record<string, string | number> = {}) => t(L, `report.col.${key}` as MessageKey, params);
  const txt = (header: string, width = 14): ReportColumn => ({ header, width, kind: "text" });
  const num = (header: string, width = 12): ReportColumn => ({ header, width, kind: "number" });
  const date = (header: string): ReportColumn => ({ header, width: 12, kind: "date" });
  const day = (at: Date) => wallClockDate(at, o.timeZone);
  const status = (s: string) => (t(L, `report.status.${s}` as MessageKey) === `report.status.${s}` ? s : t(L, `report.status.${s}` as MessageKey));
  const yes = (v: boolean) => t(L, v ? "export.yes" : "export.no");
  const perChannel = (by: Record<string, OnlineFigures>) => r.channels.map((c) => by[c]?.answers ?? 0);
  const item = (key: string, params: Record<string, string | number> = {}) => t(L, `report.item.${key}` as MessageKey, params);

  const tables: ReportTable[] = [
    {
      id: "summary",
      title: t(L, "report.sheet.summary"),
      columns: [txt(h("item"), 44), num(h("value"), 16)],
      rows: [
        [item("period"), `${dmy(r.period.from)} – ${dmy(r.period.to)}`],
        [item("drafts"), r.totals.drafts],
        [item("highImpact"), r.totals.highImpact],
        [item("fullPeriods", { days: r.minCommentDays }), r.totals.fullPeriods],
        [item("shortened"), r.totals.shortenedPeriods],
        [item("onlineAnswers"), r.totals.online.answers],
        [item("onlineComments"), r.totals.online.comments],
        [item("respondents"), r.totals.online.respondents],
        [item("meetings"), r.totals.offline.meetings],
        [item("attendees"), r.totals.offline.attendees],
        [item("offlineAnswers"), r.totals.offline.answers],
        [item("offlineComments"), r.totals.offline.comments],
        [item("relaysConfirmed"), r.totals.relays.confirmed],
        [h("accepted"), r.totals.handling.accepted],
        [h("explained"), r.totals.handling.explained],
        [h("pendingHandling"), r.totals.handling.pending],
      ],
    },
    {
      id: "drafts",
      title: t(L, "report.sheet.drafts"),
      columns: [num(h("no"), 6), txt(h("code")), txt(h("title"), 50), txt(h("agency"), 24), txt(h("status")), date(h("published")), txt(h("highImpact"), 12)],
      rows: r.drafts.map((d, i) => [i + 1, d.code, d.title, d.agencyName, status(d.status), day(d.publishedAt), yes(d.highImpact)]),
    },
    {
      id: "periods",
      title: t(L, "report.sheet.periods"),
      columns: [num(h("no"), 6), txt(h("code")), txt(h("title"), 50), date(h("opens")), date(h("closes")), num(h("days"), 9), txt(h("reason"), 40)],
      rows: r.drafts.map((d, i) => [i + 1, d.code, d.title, day(d.commentOpensAt), day(d.commentClosesAt), d.periodDays, d.shortenedPeriodReason]),
    },
    {
      id: "messages",
      title: t(L, "report.sheet.messages"),
      columns: [txt(h("channel")), num(h("sent")), num(h("failed")), num(h("outOfReach"), 18), num(h("pending"))],
      rows: r.messages.map((m) => [channelLabel(L, m.channel), m.sent, m.failed, m.outOfReach, m.pending]),
    },
    {
      id: "subscribers",
      title: t(L, "report.sheet.subscribers"),
      columns: [txt(h("communeCode"), 8), txt(h("commune"), 26), ...r.channels.map((c) => num(channelLabel(L, c))), num(h("total"))],
      rows: r.communes.map((c) => [c.code, c.name, ...r.channels.map((ch) => c.subscribers[ch] ?? 0), c.subscribersTotal]),
    },
    {
      id: "feedback",
      title: t(L, "report.sheet.feedback"),
      columns: [
        num(h("no"), 6), txt(h("code")), txt(h("title"), 40),
        ...r.channels.map((c) => num(h("answersOf", { channel: channelLabel(L, c) }), 14)),
        num(h("answers")), num(h("comments")), num(h("respondents"), 14),
        num(h("meetings"), 14), num(h("attendees")), num(h("offlineAnswers"), 16), num(h("offlineComments"), 16),
        num(h("relaysSent"), 14), num(h("relaysConfirmed"), 14), num(h("accepted")), num(h("explained")), num(h("pendingHandling")),
      ],
      rows: r.drafts.map((d, i) => [
        i + 1, d.code, d.title, ...perChannel(d.byChannel), d.online.answers, d.online.comments, d.online.respondents,
        d.offline.meetings, d.offline.attendees, d.offline.answers, d.offline.comments,
        d.relays.sent, d.relays.confirmed, d.handling.accepted, d.handling.explained, d.handling.pending,
      ]),
    },
    {
      id: "communes",
      title: t(L, "report.sheet.communes"),
      columns: [
        txt(h("communeCode"), 8), txt(h("commune"), 26),
        ...r.channels.map((c) => num(h("answersOf", { channel: channelLabel(L, c) }), 14)),
        num(h("answers")), num(h("comments")), num(h("respondents"), 14),
        num(h("meetings"), 14), num(h("attendees")), num(h("offlineAnswers"), 16), num(h("offlineComments"), 16),
        num(h("relaysSent"), 14), num(h("relaysConfirmed"), 14),
      ],
      rows: r.communes.map((c) => [
        c.code, c.name, ...perChannel(c.byChannel), c.online.answers, c.online.comments, c.online.respondents,
        c.offline.meetings, c.offline.attendees, c.offline.answers, c.offline.comments, c.relays.sent, c.relays.confirmed,
      ]),
    },
  ];
  if (!r.agency) {
    tables.push({
      id: "agencies",
      title: t(L, "report.sheet.agencies"),
      columns: [
        txt(h("agency"), 30), num(h("drafts")), num(h("highImpact")), num(h("answers")), num(h("comments")),
        num(h("meetings"), 14), num(h("offlineAnswers"), 16), num(h("offlineComments"), 16), num(h("accepted")), num(h("explained")), num(h("pendingHandling")),
      ],
      rows: r.agencies.map((a) => [
        a.name, a.drafts, a.highImpact, a.online.answers, a.online.comments, a.offline.meetings, a.offline.answers, a.offline.comments,
        a.handling.accepted, a.handling.explained, a.handling.pending,
      ]),
    });
  }
  return tables;
}
