import { Router } from "express";
import type { ApiDeps } from "./deps.js";
import { principalOf } from "../auth.js";
import { unprocessable } from "../../errors.js";
import { findAgency } from "../../domain/agencies.js";
import { accessibleDraft, actorOf, listAgencyScope } from "../../domain/draft-access.js";
import { closeDraft } from "../../domain/drafts/close.js";
import { createDraft } from "../../domain/drafts/create.js";
import { publishDraft } from "../../domain/drafts/publish.js";
import { getDraftView, listDraftViews } from "../../domain/drafts/queries.js";
import {
  closeDraftBody,
  createDraftBody,
  listDraftsQuery,
  patchDraftBody,
  publishDraftBody,
} from "../../domain/drafts/schemas.js";
import type { DraftDeps } from "../../domain/drafts/types.js";
import { updateDraft } from "../../domain/drafts/update.js";
import { registerDraftOperations } from "./drafts-openapi.js";

/** Drafts: create, list, get, patch, publish, close. Bodies are validated by the strict zod schemas. */
export function draftRoutes(deps: ApiDeps): Router {
  registerDraftOperations(deps.openapi);
  const domain: DraftDeps = { db: deps.db, broadcaster: deps.broadcaster, minCommentDays: deps.config.MIN_COMMENT_DAYS };
  const router = Router();

  router.post("/drafts", async (req, res) => {
    const actor = actorOf(principalOf(res));
    const body = createDraftBody.parse(req.body);
    res.status(201).json(await createDraft(domain, actor, body));
  });

  router.get("/drafts", async (req, res) => {
    const actor = actorOf(principalOf(res));
    const q = listDraftsQuery.parse(req.query);
    let agencyId: string | undefined;
    if (q.agency) {
      const agency = await findAgency(deps.db, q.agency);
      if (!agency) throw unprocessable(`No agency ${q.agency}.`, [{ field: "agency", message: "unknown agency" }]);
      agencyId = agency.id;
    }
    const scope = listAgencyScope(actor, agencyId);
    const drafts = await listDraftViews(deps.db, { status: q.status, agencyId: scope, limit: q.limit, offset: q.offset });
    res.json({ drafts, limit: q.limit, offset: q.offset });
  });

  router.get("/drafts/:id", async (req, res) => {
    const actor = actorOf(principalOf(res));
    const row = await accessibleDraft(deps.db, actor, req.params.id);
    res.json(await getDraftView(deps.db, row.id));
  });

  router.patch("/drafts/:id", async (req, res) => {
    const actor = actorOf(principalOf(res));
    const body = patchDraftBody.parse(req.body);
    res.json(await updateDraft(domain, actor, req.params.id, body));
  });

  router.post("/drafts/:id/publish", async (req, res) => {
    const actor = actorOf(principalOf(res));
    const body = publishDraftBody.parse(req.body ?? {});
    res.json(await publishDraft(domain, actor, req.params.id, body));
  });

  router.post("/drafts/:id/close", async (req, res) => {
    const actor = actorOf(principalOf(res));
    const body = closeDraftBody.parse(req.body ?? {});
    res.json(await closeDraft(domain, actor, req.params.id, body));
  });

  return router;
}
