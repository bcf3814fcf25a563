import { Router } from "express";
import { z } from "zod";
import { accessibleDraft, actorOf, assertCanWrite } from "../../domain/draft-access.js";
import { listOfflineFeedback, offlineFeedbackBody, recordOfflineFeedback } from "../../domain/offline-feedback.js";
import { principalOf } from "../auth.js";
import type { ApiDeps } from "./deps.js";
import { problemResponses } from "../problem-schema.js";

const params = z.object({ id: z.uuid().describe("The draft's id") });
const view = z.object({
  id: z.uuid(),
  draftId: z.uuid(),
  commune: z.object({ code: z.string(), name: z.string() }),
  meetingDate: z.iso.date(),
  attendees: z.number().int(),
  answers: z.array(z.object({ question: z.number().int(), questionId: z.uuid(), counts: z.array(z.number().int()).describe("People per choice") })),
  comments: z.number().int(),
  commentSummary: z.string().nullable(),
  enteredBy: z.string().describe("The API key that entered it (key:<id>)"),
  enteredAt: z.iso.datetime({ offset: true }),
});

/** Offline feedback of a draft: opinions gathered at commune meetings, kept beside the online answers. */
export function offlineFeedbackRoutes(deps: ApiDeps): Router {
  const { db, openapi, config } = deps;
  const router = Router();

  openapi.register({
    method: "post",
    path: "/api/v1/drafts/{id}/offline-feedback",
    summary: "Record the opinions gathered at one offline meeting (a commune meeting, a propagandist's rounds)",
    tags: ["feedback"],
    auth: true,
    params,
    body: offlineFeedbackBody,
    responses: {
      201: { description: "Recorded", schema: view },
      ...problemResponses({
        400: "A field of the wrong type or shape (a negative or fractional count, a bad date)",
        401: "Missing or unknown API key",
        403: "A viewer key",
        404: "No such draft, or a draft of another agency",
        409: "The draft has not been published",
        422: "Unknown or non-target commune, unknown question, too many choices, a meeting date in the future or before publication, fewer attendees than answers",
      }),
    },
  });
  router.post("/drafts/:id/offline-feedback", async (req, res) => {
    const actor = actorOf(principalOf(res));
    // Who may write comes before what is written: a viewer or another agency learns nothing from validation.
    assertCanWrite(actor);
    await accessibleDraft(db, actor, req.params.id);
    const body = offlineFeedbackBody.parse(req.body);
    res.status(201).json(await recordOfflineFeedback({ db, timeZone: config.TZ_NAME }, actor, req.params.id, body));
  });

  openapi.register({
    method: "get",
    path: "/api/v1/drafts/{id}/offline-feedback",
    summary: "The offline feedback recorded for a draft, oldest meeting first",
    tags: ["feedback"],
    auth: true,
    params,
    responses: {
      200: { description: "The records", schema: z.object({ items: z.array(view) }) },
      ...problemResponses({ 401: "Missing or unknown API key", 403: "The draft belongs to another agency", 404: "No such draft" }),
    },
  });
  router.get("/drafts/:id/offline-feedback", async (req, res) => {
    const draft = await accessibleDraft(db, principalOf(res), req.params.id);
    res.json({ items: await listOfflineFeedback(db, draft.id) });
  });

  return router;
}
