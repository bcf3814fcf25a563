import { Router } from "express";
import { principalOf, requireRole } from "../auth.js";
import { principalLabel } from "../../domain/api-keys.js";
import { createInvite, createInviteBody, inviteView } from "../../domain/invites.js";
import type { ApiDeps } from "./deps.js";

/** POST /api/v1/invites: an admin or drafter creates a single-use code for a propagandist or officer to join in chat. */
export function inviteRoutes(deps: ApiDeps): Router {
  deps.openapi.register({
    method: "post",
    path: "/api/v1/invites",
    summary: "Create a single-use invite code for a commune propagandist (or an officer) to join in chat",
    tags: ["invites"],
    auth: true,
    body: createInviteBody,
    responses: {
      201: { description: "The invite; the person sends /start i_<code> (deep link) or types the code", schema: inviteView },
      400: { description: "Invalid body (problem+json naming the field)" },
      403: { description: "Viewer keys cannot create invites; a drafter cannot invite an officer of another agency" },
      422: { description: "A commune code or the agency does not exist" },
    },
  });
  const router = Router();
  router.post("/invites", requireRole("admin", "drafter"), async (req, res) => {
    const p = principalOf(res);
    const body = createInviteBody.parse(req.body);
    res.status(201).json(await createInvite(deps.db, { label: principalLabel(p), agencyId: p.agencyId, role: p.role, origin: p.origin }, body, deps.config.INVITE_TTL_DAYS));
  });
  return router;
}
