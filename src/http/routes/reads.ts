import { Router } from "express";
import type { z } from "zod";
import { badRequest } from "../../errors.js";
import { listCommunes, searchCommunes } from "../../domain/communes.js";
import { accessibleDraft } from "../../domain/draft-access.js";
import { draftFeedback } from "../../domain/feedback.js";
import { offlineExportRows } from "../../domain/offline-feedback.js";
import { pseudonymSecret } from "../../domain/pseudonym.js";
import { draftStats } from "../../domain/stats.js";
import { feedbackCsv, feedbackXlsx, maskedFeedback } from "../../export/feedback-export.js";
import { fold } from "../../text/fold.js";
import { principalOf } from "../auth.js";
import { audit } from "../audit.js";
import { zodFieldProblems } from "../problem.js";
import type { ApiDeps } from "./deps.js";
import { readSchemas as s } from "./reads-schemas.js";
import { problemResponses } from "../problem-schema.js";

/** Parse a query object, turning zod issues into a 400 problem naming each parameter. */
function parseQuery<T extends z.ZodType>(schema: T, query: unknown): z.infer<T> {
  const r = schema.safeParse(query);
  if (!r.success) {
    const errors = zodFieldProblems(r.error);
    throw badRequest(`Invalid query parameter ${errors[0]?.field ?? ""}: ${errors[0]?.message ?? ""}`, errors);
  }
  return r.data;
}

/** A file name safe in a Content-Disposition header (ASCII only). */
function exportFileName(draft: { id: string; code: string | null }, ext: string): string {
  const base = draft.code ? fold(draft.code).replace(/\s+/g, "-").replace(/[^a-z0-9-]/g, "") : "";
  return `gopy-feedback-${base || draft.id}.${ext}`;
}

/** Read-side endpoints: stats, feedback exports, communes. */
export function readRoutes(deps: ApiDeps): Router {
  const router = Router();
  const { db, openapi, config } = deps;

  openapi.register({
    method: "get",
    path: "/api/v1/drafts/{id}/stats",
    summary: "Tallies of a draft: count per choice per question, subscribers and respondents per commune, totals",
    tags: ["feedback"],
    auth: true,
    params: s.draftParams,
    responses: {
      200: { description: "The draft's statistics (answers after the deadline are not counted)", schema: s.stats },
      ...problemResponses({ 401: "Missing or unknown API key", 404: "No such draft, or another agency's" }),
    },
  });
  router.get("/drafts/:id/stats", async (req, res) => {
    const draft = await accessibleDraft(db, principalOf(res), req.params.id);
    res.json(await draftStats(db, draft));
  });

  openapi.register({
    method: "get",
    path: "/api/v1/drafts/{id}/feedback",
    summary: "Export a draft's answers and comments (subscribers pseudonymised) as JSON, CSV or XLSX",
    tags: ["feedback"],
    auth: true,
    params: s.draftParams,
    query: s.feedbackQuery,
    responses: {
      200: { description: "JSON; or a CSV (UTF-8 with BOM) or XLSX (sheets: answers, comments) attachment", schema: s.feedback },
      ...problemResponses({ 400: "Unknown format or language", 401: "Missing or unknown API key", 404: "No such draft, or another agency's" }),
    },
  });
  router.get("/drafts/:id/feedback", async (req, res) => {
    const query = parseQuery(s.feedbackQuery, req.query);
    const draft = await accessibleDraft(db, principalOf(res), req.params.id);
    const fb = await draftFeedback(db, draft, await pseudonymSecret(db, config.PSEUDONYM_SECRET));
    await audit(db, res, { action: "feedback.export", entityType: "draft", entityId: draft.id, details: { format: query.format } });
    const opts = { locale: query.lang, timeZone: config.TZ_NAME };
    const offline = await offlineExportRows(db, draft.id);
    if (query.format === "json") {
      res.json({ ...maskedFeedback(fb), offline });
      return;
    }
    res.setHeader("Cache-Control", "no-store");
    if (query.format === "csv") {
      res.setHeader("Content-Type", "text/csv; charset=utf-8; header=present");
      res.attachment(exportFileName(draft, "csv"));
      res.send(feedbackCsv(fb, opts, offline));
      return;
    }
    res.setHeader("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    res.attachment(exportFileName(draft, "xlsx"));
    res.send(await feedbackXlsx(fb, opts, offline));
  });

  openapi.register({
    method: "get",
    path: "/api/v1/communes",
    summary: "Communes (current units): all of them, or those matching a new or pre-2025 name, with or without diacritics",
    tags: ["communes"],
    auth: true,
    query: s.communesQuery,
    responses: {
      200: { description: "Matching units; matchedFormer says which pre-2025 unit the query matched", schema: s.communes },
      ...problemResponses({ 400: "A bad query parameter", 401: "Missing or unknown API key" }),
    },
  });
  router.get("/communes", async (req, res) => {
    const query = parseQuery(s.communesQuery, req.query);
    if (query.q === undefined) {
      const items = await listCommunes(db);
      res.json({ count: items.length, items });
      return;
    }
    const items = await searchCommunes(db, query.q, query.limit);
    res.json({ q: query.q, count: items.length, items });
  });

  return router;
}
