import { Router } from "express";
import { idParams } from "../../domain/ids.js";
import { commentUpdateBody, commentView, updateComment } from "../../domain/comments.js";
import { principalOf } from "../auth.js";
import { problemResponses } from "../problem-schema.js";
import type { ApiDeps } from "./deps.js";

/** PATCH /api/v1/comments/{id}: hide abuse, flag for review, record tiếp thu / giải trình. */
export function commentRoutes(deps: ApiDeps): Router {
  deps.openapi.register({
    method: "patch",
    path: "/api/v1/comments/{id}",
    summary: "Moderate a resident's comment (visible, flagged, hidden) or record how it was handled (accepted / explained, with a note)",
    tags: ["feedback"],
    auth: true,
    params: idParams("comment"),
    body: commentUpdateBody,
    responses: {
      200: { description: "The comment's new moderation and handling state", schema: commentView },
      ...problemResponses({
        400: "Invalid or empty body (the field is named)",
        401: "Missing or unknown API key",
        403: "Viewer key",
        404: "No such comment, or a comment on another agency's draft",
      }),
    },
  });
  const router = Router();
  router.patch("/comments/:id", async (req, res) => {
    const body = commentUpdateBody.parse(req.body);
    res.json(await updateComment(deps.db, principalOf(res), req.params.id, body));
  });
  return router;
}
