import { Router } from "express";
import { actorOf } from "../../domain/draft-access.js";
import { draftIdParams } from "../../domain/drafts/schemas.js";
import { outcomeBody, outcomeView, publishOutcome } from "../../domain/outcome.js";
import { principalOf } from "../auth.js";
import { problemResponses } from "../problem-schema.js";
import type { ApiDeps } from "./deps.js";

/** POST /api/v1/drafts/{id}/outcome: what came of the feedback, sent once to every respondent. */
export function outcomeRoutes(deps: ApiDeps): Router {
  deps.openapi.register({
    method: "post",
    path: "/api/v1/drafts/{id}/outcome",
    summary:
      "Publish what came of a closed draft's feedback (accepted, explained, where the revised text is): kept with the draft and sent once to every respondent through the outbox (quiet hours apply). Drafter of the agency or admin; audited.",
    tags: ["drafts"],
    auth: true,
    params: draftIdParams,
    body: outcomeBody,
    responses: {
      201: { description: "Published and queued for the respondents", schema: outcomeView },
      ...problemResponses({
        400: "Malformed JSON, unknown field, or text empty or longer than 3000 characters (errors[].field names it)",
        401: "Missing or unknown API key",
        403: "Viewer key, or another agency's draft",
        404: "No such draft",
        409: "The draft is not closed, or its outcome was already published",
      }),
    },
  });
  const router = Router();
  router.post("/drafts/:id/outcome", async (req, res) => {
    const actor = actorOf(principalOf(res));
    const body = outcomeBody.parse(req.body ?? {});
    res.status(201).json(await publishOutcome({ db: deps.db, broadcaster: deps.broadcaster }, actor, req.params.id, body));
  });
  return router;
}
