import { Router } from "express";
import { z } from "zod";
import { broadcastStatus, broadcastStatusView, draftBroadcasts } from "../../delivery/status.js";
import { problemResponses } from "../problem-schema.js";
import type { ApiDeps } from "./deps.js";

const idParams = z.object({ id: z.uuid({ message: "must be a UUID" }) });

/** Where a broadcast stands: GET /api/v1/broadcasts/{id} and GET /api/v1/drafts/{id}/broadcasts (any role). */
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
      ...problemResponses({ 400: "The id is not a UUID", 401: "No or unknown API key", 404: "No such broadcast" }),
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
      ...problemResponses({ 400: "The id is not a UUID", 401: "No or unknown API key", 404: "No such draft" }),
    },
  });
  const router = Router();
  router.get("/broadcasts/:id", async (req, res) => {
    const { id } = idParams.parse(req.params);
    res.json(await broadcastStatus(deps.db, id));
  });
  router.get("/drafts/:id/broadcasts", async (req, res) => {
    const { id } = idParams.parse(req.params);
    res.json({ items: await draftBroadcasts(deps.db, id) });
  });
  return router;
}
