import { Router } from "express";
import { z } from "zod";
import { listAudit } from "../../domain/audit.js";
import { dateTimeField, safeText } from "../../domain/fields.js";
import { requireRole } from "../auth.js";
import { problemResponses } from "../problem-schema.js";
import type { ApiDeps } from "./deps.js";

const auditQuery = z
  .object({
    actor: safeText(200).optional().meta({ description: "Who: \"key:<API key id>\", \"cli\", \"scheduler\"" }),
    action: safeText(100).optional().meta({ description: "What, e.g. draft.publish, comment.update, feedback.export, invite.create" }),
    entityType: safeText(50).optional().meta({ description: "draft, comment, invite, api_key…" }),
    entityId: safeText(100).optional(),
    from: dateTimeField.optional().meta({ description: "Entries at or after this instant" }),
    to: dateTimeField.optional().meta({ description: "Entries at or before this instant" }),
    cursor: z.string().regex(/^\d{1,18}$/, "must be a nextCursor from a previous page").optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

const auditItem = z.object({
  id: z.string(),
  at: z.string().meta({ description: "When (ISO 8601, UTC)" }),
  actor: z.string(),
  actorName: z.string().nullable().meta({ description: "The API key's name, when the actor is a key" }),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  ip: z.string().nullable().meta({ description: "The client's address (behind a reverse proxy on this host: from X-Forwarded-For)" }),
  userAgent: z.string().nullable(),
});

/** GET /api/v1/audit: the audit log for admins, newest first, filterable, paged by cursor. */
export function auditRoutes(deps: ApiDeps): Router {
  deps.openapi.register({
    method: "get",
    path: "/api/v1/audit",
    summary: "The audit log: every officer action with who, what, when and from where (admins only), newest first",
    tags: ["audit"],
    auth: true,
    query: auditQuery,
    responses: {
      200: { description: "A page of entries; pass nextCursor as cursor for the next (null: last page)", schema: z.object({ items: z.array(auditItem), nextCursor: z.string().nullable() }) },
      ...problemResponses({ 400: "A bad filter (named)", 401: "No or unknown API key", 403: "Not an admin key" }),
    },
  });
  const router = Router();
  router.get("/audit", requireRole("admin"), async (req, res) => {
    const q = auditQuery.parse(req.query);
    const page = await listAudit(deps.db, {
      actor: q.actor,
      action: q.action,
      entityType: q.entityType,
      entityId: q.entityId,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      before: q.cursor !== undefined ? Number(q.cursor) : undefined,
      limit: q.limit,
    });
    res.json(page);
  });
  return router;
}
