import { Router } from "express";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { broadcasts } from "../../db/schema/index.js";
import { broadcastStatus, broadcastStatusView, draftBroadcasts } from "../../delivery/status.js";
import { getReadableDraft } from "../../domain/draft-access.js";
import { forbidden, notFound } from "../../errors.js";
import { principalOf } from "../auth.js";
import { problemResponses } from "../problem-schema.js";
import type { ApiDeps } from "./deps.js";

const idParams = z.object({ id: z.uuid({ message: "must be a UUID" }) });

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
    params: idParams,
    responses: {
      200: { description: "The broadcast's status", schema: broadcastStatusView },
      ...problemResponses({ 400: "The id is not a UUID", 401: "No or unknown API key", 403: "The broadcast belongs to another agency's draft", 404: "No such broadcast" }),
    },
  });
  deps.openapi.register({
    method: "get",
    path: "/api/v1/drafts/{id}/broadcasts",
    summary: "The broadcasts of a draft (announcement, read-aloud scripts, extensions, corrections) with their status",
    tags: ["broadcasts"],
    auth: true,
    params: idParams,
    responses: {
      200: { description: "Broadcasts, oldest first", schema: z.object({ items: z.array(broadcastStatusView) }) },
      ...problemResponses({ 400: "The id is not a UUID", 401: "No or unknown API key", 403: "The draft belongs to another agency", 404: "No such draft" }),
    },
  });
  const router = Router();
  router.get("/broadcasts/:id", async (req, res) => {
    const { id } = idParams.parse(req.params);
    const principal = principalOf(res);
    if (principal.role !== "admin") {
      const [b] = await deps.db.select({ draftId: broadcasts.draftId }).from(broadcasts).where(eq(broadcasts.id, id)).limit(1);
      if (!b) throw notFound(`No broadcast ${id}.`);
      if (!b.draftId) throw forbidden("Only an admin key can read this broadcast.", [{ field: "id", message: "not a broadcast of your agency's drafts" }]);
      await getReadableDraft(deps.db, principal, b.draftId);
    }
    res.json(await broadcastStatus(deps.db, id));
  });
  router.get("/drafts/:id/broadcasts", async (req, res) => {
    const { id } = idParams.parse(req.params);
    await getReadableDraft(deps.db, principalOf(res), id);
    res.json({ items: await draftBroadcasts(deps.db, id) });
  });
  return router;
}
