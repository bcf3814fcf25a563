import { Router } from "express";
import { z } from "zod";
import { findAgency } from "../../domain/agencies.js";
import { annualReport, type AnnualReport } from "../../domain/report/annual.js";
import { recordReportDownload } from "../../domain/report/downloads.js";
import { reportPeriod } from "../../domain/report/period.js";
import { notFound, unprocessable } from "../../errors.js";
import { principalOf } from "../auth.js";
import type { ApiDeps } from "./deps.js";
import { problemResponses } from "../problem-schema.js";
import { annualReportSchema } from "./reports-schemas.js";

const annualQuery = z.strictObject({
  year: z.coerce.number().int().min(2000).max(2100).describe("The year reported on"),
  format: z.enum(["json", "xlsx", "docx"]).default("json").describe("json (default), xlsx (one sheet per table) or docx (Decree 30/2020/NĐ-CP form)"),
  agency: z.uuid().optional().describe("Admins: one agency's report instead of the province's; others: their own agency only"),
  lang: z.enum(["vi", "en"]).default("vi").describe("Language of the XLSX/DOCX wording (default vi)"),
});

const MIME = {
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
} as const;

/** The annual report (plan V.1): JSON, XLSX or DOCX, for the province or one agency. */
export function reportRoutes(deps: ApiDeps): Router {
  const { db, openapi, config } = deps;
  const router = Router();

  openapi.register({
    method: "get",
    path: "/api/v1/reports/annual",
    summary: "The annual report: drafts communicated, comment periods, messages per channel, subscribers, answers and comments online and offline, relays, handling",
    tags: ["reports"],
    auth: true,
    query: annualQuery,
    responses: {
      200: { description: "JSON; or an XLSX or DOCX attachment. Admins: the province with a breakdown by agency (or one agency); others: their own agency", schema: annualReportSchema },
      ...problemResponses({
        400: "A bad query parameter",
        401: "Missing or unknown API key",
        404: "No such agency, or another agency than the key's",
        422: "A year whose report period has not begun",
      }),
    },
  });
  router.get("/reports/annual", async (req, res) => {
    const q = annualQuery.parse(req.query);
    const principal = principalOf(res);
    const now = new Date();
    const period = reportPeriod(q.year, config.REPORT_PERIOD_START, now, config.TZ_NAME);
    if (period.untilAt <= period.fromAt) {
      throw unprocessable(`The report period of ${q.year} begins on ${period.from}, after today.`, [{ field: "year", message: "its period has not begun" }]);
    }
    let agencyId: string | null = q.agency ?? null;
    if (principal.role !== "admin") {
      if (!principal.agencyId || (q.agency && q.agency !== principal.agencyId)) throw notFound(`No agency ${q.agency ?? ""} for this key.`);
      agencyId = principal.agencyId;
    } else if (agencyId && !(await findAgency(db, agencyId))) {
      throw notFound(`No agency with id ${agencyId}.`);
    }
    const report = await annualReport(db, {
      year: q.year,
      agencyId,
      periodStart: config.REPORT_PERIOD_START,
      timeZone: config.TZ_NAME,
      province: config.PROVINCE_NAME,
      minCommentDays: config.MIN_COMMENT_DAYS,
      now,
    });
    await recordDownloads(deps, report, agencyId);
    if (q.format === "json") {
      res.json(report);
      return;
    }
    const opts = { locale: q.lang, timeZone: config.TZ_NAME };
    // Loaded on first use: the document libraries (exceljs, docx, echarts) would otherwise sit in every idle service's memory.
    const body = q.format === "xlsx" ? await (await import("../../report/xlsx.js")).reportXlsx(report, opts) : await (await import("../../report/docx.js")).reportDocx(report, opts);
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("Content-Type", MIME[q.format]);
    res.attachment(`gopy-bao-cao-${q.year}${agencyId ? `-${agencyId.slice(0, 8)}` : ""}.${q.format}`);
    res.send(body);
  });

  return router;
}

/** The report reminders stop for the agency reported on, or for every agency a province report covers. */
async function recordDownloads(deps: ApiDeps, report: AnnualReport, agencyId: string | null): Promise<void> {
  const ids = agencyId ? [agencyId] : report.agencies.map((a) => a.id);
  for (const id of ids) await recordReportDownload(deps.db, id, report.year);
}
