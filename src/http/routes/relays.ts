import { Router } from "express";
import { z } from "zod";
import { accessibleDraft } from "../../domain/draft-access.js";
import { relayCoverage } from "../../domain/relays/coverage.js";
import { deliveryStates } from "../../db/schema/index.js";
import { principalOf } from "../auth.js";
import type { ApiDeps } from "./deps.js";
import { readSchemas } from "./reads-schemas.js";
import { problemResponses } from "../problem-schema.js";

const dateTime = z.iso.datetime({ offset: true });
const relayEntry = z.object({
  displayName: z.string().nullable().describe("The propagandist's name on their channel"),
  channel: z.string(),
  sentAt: dateTime.describe("When the read-aloud script was queued"),
  delivery: z.enum(deliveryStates).nullable().describe("The script message's state in the outbox"),
  confirmed: z.boolean().describe("Whether the propagandist pressed «Đã đọc»"),
  confirmedAt: dateTime.nullable(),
  remindedAt: dateTime.nullable().describe("When the 24 h reminder was sent, if it was"),
});
const coverageSchema = z.object({
  draftId: z.uuid(),
  totals: z.object({
    communes: z.number().int().describe("Target communes"),
    communesSent: z.number().int().describe("Target communes with at least one script sent"),
    communesConfirmed: z.number().int().describe("Target communes with at least one script confirmed read"),
    sent: z.number().int(),
    confirmed: z.number().int(),
    unconfirmed: z.number().int(),
  }),
  communes: z.array(z.object({ code: z.string(), name: z.string(), sent: z.number().int(), confirmed: z.number().int(), relays: z.array(relayEntry) })),
});


/** Relay coverage of a draft: which communes' propagandists got the read-aloud script and confirmed it. */
export function relayRoutes(deps: ApiDeps): Router {
  const router = Router();
  deps.openapi.register({
    method: "get",
    path: "/api/v1/drafts/{id}/relays",
    summary: "Relay coverage: per target commune, the propagandists sent the read-aloud script, who confirmed and when; totals",
    tags: ["feedback"],
    auth: true,
    params: readSchemas.draftParams,
    responses: {
      200: { description: "Coverage per target commune, by name", schema: coverageSchema },
      ...problemResponses({ 401: "Missing or unknown API key", 404: "No such draft, or a draft of another agency" }),
    },
  });
  router.get("/drafts/:id/relays", async (req, res) => {
    const row = await accessibleDraft(deps.db, principalOf(res), req.params.id);
    res.json(await relayCoverage(deps.db, row));
  });
  return router;
}
