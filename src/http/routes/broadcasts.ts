import { Router } from "express";
import { z } from "zod";
import { broadcastStatus, broadcastStatusView, draftBroadcasts } from "../../delivery/status.js";
import { accessibleBroadcast, accessibleDraft } from "../../domain/draft-access.js";
import { idParams as idParamsOf } from "../../domain/ids.js";
import { principalOf } from "../auth.js";
import { problemResponses } from "../problem-schema.js";
import type { ApiDeps } from "./deps.js";



/**
 * Where a broadcast stands: GET /api/v1/broadcasts/{id} and GET /api/v1/drafts/{id}/broadcasts (any role;
 * drafters and viewers only for their own agency's drafts; broadcasts of no draft, e.g. digests, admins only).
 */
export function broadcastRoutes(deps: ApiDeps): Router {
  deps.openapi.register({
    method: "get",
    path: "/api/v1/broadcasts/{id}",
    summary: "Progress of a broadcast: counts per state, rate, estimated time left, failures by reason",
    tags: ["broadcasts"],
    auth: true,
    params: idParamsOf("broadcast"),
    responses: {
      200: { description: "The broadcast's status", schema: broadcastStatusView },
      ...problemResponses({ 401: "No or unknown API key", 404: "No such broadcast, or one of another agency's draft (or of no draft, for a non-admin key)" }),
    },
  });
  deps.openapi.register({
    method: "get",
    path: "/api/v1/drafts/{id}/broadcasts",
    summary: "The broadcasts of a draft (announcement, read-aloud scripts, extensions, corrections) with their status",
    tags: ["broadcasts"],
    auth: true,
    params: idParamsOf("draft"),
    responses: {
      200: { description: "Broadcasts, oldest first", schema: z.object({ items: z.array(broadcastStatusView) }) },
      ...problemResponses({ 401: "No or unknown API key", 404: "No such draft, or another agency's" }),
    },
  });
  const router = Router();
  router.get("/broadcasts/:id", async (req, res) => {
    const id = await accessibleBroadcast(deps.db, principalOf(res), req.params.id);
    res.json(await broadcastStatus(deps.db, id));
  });
  router.get("/drafts/:id/broadcasts", async (req, res) => {
    const draft = await accessibleDraft(deps.db, principalOf(res), req.params.id);
    res.json({ items: await draftBroadcasts(deps.db, draft.id) });
  });
  return router;
}
