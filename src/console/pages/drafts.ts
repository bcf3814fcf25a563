import { Router, type Request, type Response } from "express";
import { asc } from "drizzle-orm";
import { agencies, draftStatuses, type DraftStatus } from "../../db/schema/index.js";

import { getDraftRow, getDraftView, listDraftViews } from "../../domain/drafts/queries.js";
import { draftStats } from "../../domain/stats.js";
import { accessibleDraft, actorOf, assertCanWrite } from "../../domain/draft-access.js";
import { localDateTime } from "../../text/local-time.js";
import { announcementText } from "../../delivery/broadcast.js";
import { badRequest } from "../../errors.js";
import type { ConsoleDeps } from "../deps.js";
import { officerOf } from "../guard.js";
import { localeOf } from "../render.js";

const DAY = 86_400_000;

/** The offset of the service's time zone now, "+07:00", for the form's local date-times. */
function zoneOffset(timeZone: string, at = new Date()): string {
  const local = new Date(localDateTime(at, timeZone).replace(" ", "T") + "Z").getTime();
  const minutes = Math.round((local - at.getTime()) / 60_000);
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/** Drafts: the list, the form (new and edit), a draft's page, and the resident's message preview. */
export function draftPages(deps: ConsoleDeps): Router {
  const router = Router();
  const { db, config } = deps;
  const when = (iso: string | Date) => localDateTime(new Date(iso), config.TZ_NAME).slice(0, 16);

  router.get("/drafts", async (req, res) => {
    const officer = officerOf(res);
    const status = typeof req.query.status === "string" && (draftStatuses as readonly string[]).includes(req.query.status) ? (req.query.status as DraftStatus) : undefined;
    const chosenAgency = typeof req.query.agency === "string" && req.query.agency ? req.query.agency : undefined;
    const agencyId = officer.role === "admin" ? chosenAgency : (officer.agencyId ?? "00000000-0000-0000-0000-000000000000");
    const views = await listDraftViews(db, { status, agencyId, limit: 200, offset: 0 });
    const now = Date.now();
    const rows = await Promise.all(
      views.map(async (v) => {
        const live = v.status === "open" || v.status === "closed";
        const respondents = live ? (await draftStats(db, await getDraftRow(db, v.id))).totals.respondents : null;
        const closes = new Date(v.commentClosesAt).getTime();
        const daysLeft = v.status === "open" || v.status === "scheduled" ? Math.max(0, Math.ceil((closes - now) / DAY)) : null;
        return { ...v, respondents, daysLeft };
      }),
    );
    const agencyList = officer.role === "admin" ? await db.select().from(agencies).orderBy(asc(agencies.name)) : [];
    deps.page(req, res, "drafts", { title: "console.drafts.title", nav: "drafts", rows, statuses: draftStatuses, statusFilter: status, agencyList, agency: chosenAgency });
  });

  const formPage = (edit: boolean) => async (req: Request, res: Response) => {
    const officer = officerOf(res);
    assertCanWrite(actorOf(officer));
    const draft = edit ? await getDraftView(db, (await accessibleDraft(db, officer, String(req.params.id))).id) : null;
    const ownAgency = officer.agencyId ? (await db.select().from(agencies)).find((a) => a.id === officer.agencyId)?.name ?? "" : "";
    deps.page(req, res, "draft-form", {
      title: edit ? "console.form.titleEdit" : "console.form.titleNew",
      nav: edit ? "drafts" : "new",
      scripts: ["/console/assets/draft-form.js"],
      draft: draft ? JSON.stringify(draft).replace(/</g, "\\u003c") : "null",
      draftTitle: draft?.title ?? "",
      agencyName: draft?.draftingAgency.name ?? ownAgency,
      agencyFixed: officer.role !== "admin",
      minDays: config.MIN_COMMENT_DAYS,
      offset: zoneOffset(config.TZ_NAME),
    });
  };
  router.get("/drafts/new", formPage(false));
  router.get("/drafts/:id/edit", formPage(true));

  router.get("/drafts/:id", async (req, res) => {
    const row = await accessibleDraft(db, officerOf(res), req.params.id);
    const draft = await getDraftView(db, row.id);
    deps.page(req, res, "draft", {
      title: "console.drafts.title",
      nav: "drafts",
      scripts: ["/console/vendor/echarts.min.js", "/console/assets/draft.js"],
      draft,
      from: when(draft.commentOpensAt),
      to: when(draft.commentClosesAt),
      canWrite: officerOf(res).role !== "viewer",
      offset: zoneOffset(config.TZ_NAME),
      lang: localeOf(req),
    });
  });

  // The resident's message, composed by the broadcast's own function (nothing is stored).
  router.post("/preview", (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === "string" ? v.slice(0, 6000) : "");
    const closesAt = new Date(str(b.commentClosesAt));
    if (Number.isNaN(closesAt.getTime())) throw badRequest("commentClosesAt must be a date-time.", [{ field: "commentClosesAt", message: "not a date-time" }]);
    const text = announcementText(localeOf(req), config.TZ_NAME, {
      title: str(b.title), mainContent: str(b.mainContent), closesAt, fullTextUrl: str(b.fullTextUrl),
    });
    res.json({ text });
  });

  return router;
}
