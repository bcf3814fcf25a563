import type { OpenApiRegistry } from "../openapi.js";
import { problemResponses } from "../problem-schema.js";
import {
  closeDraftBody,
  createDraftBody,
  draftIdParams,
  draftListView,
  draftView,
  listDraftsQuery,
  patchDraftBody,
  publishDraftBody,
} from "../../domain/drafts/schemas.js";

const COMMON = { 400: "Malformed JSON, unknown field or wrong type (errors[].field names it)", 401: "Missing or unknown API key", 413: "Body too large" };

/** Describe the drafts operations in the OpenAPI registry. */
export function registerDraftOperations(openapi: OpenApiRegistry): void {
  const tags = ["drafts"];
  openapi.register({
    method: "post",
    path: "/api/v1/drafts",
    summary: "Register a draft (status \"draft\"). Drafters: own agency only; admins: any agency (created if new).",
    tags,
    auth: true,
    body: createDraftBody,
    responses: {
      201: { description: "The draft", schema: draftView },
      ...problemResponses({ ...COMMON, 403: "Viewer key", 422: "Unknown unit code, or the period ends before it opens" }),
    },
  });
  openapi.register({
    method: "get",
    path: "/api/v1/drafts",
    summary: "List drafts, newest first. Drafters and viewers see their own agency's drafts only.",
    tags,
    auth: true,
    query: listDraftsQuery,
    responses: {
      200: { description: "Drafts", schema: draftListView },
      ...problemResponses({ 400: COMMON[400], 401: COMMON[401], 403: "Another agency", 422: "Unknown agency" }),
    },
  });
  openapi.register({
    method: "get",
    path: "/api/v1/drafts/{id}",
    summary: "One draft with its questions and targets.",
    tags,
    auth: true,
    params: draftIdParams,
    responses: {
      200: { description: "The draft", schema: draftView },
      ...problemResponses({ 401: COMMON[401], 404: "No such draft, or another agency's" }),
    },
  });
  openapi.register({
    method: "patch",
    path: "/api/v1/drafts/{id}",
    summary:
      "Change a draft. Before publishing: anything. After: commentClosesAt later (extension, residents told); title, code, criteria, summary, fullTextUrl only with correction: { note }; nothing else.",
    tags,
    auth: true,
    params: draftIdParams,
    body: patchDraftBody,
    responses: {
      200: { description: "The draft", schema: draftView },
      ...problemResponses({
        ...COMMON,
        403: "Viewer key",
        404: "No such draft, or another agency's",
        409: "Published: shortening the period, a fixed field, or a change residents received without correction",
        422: "Unknown unit code, period order, or a correction that changes nothing",
      }),
    },
  });
  openapi.register({
    method: "post",
    path: "/api/v1/drafts/{id}/publish",
    summary: "Publish: open (or scheduled when commentOpensAt is later) and announce to the target communes.",
    tags,
    auth: true,
    params: draftIdParams,
    body: publishDraftBody,
    responses: {
      200: { description: "The published draft", schema: draftView },
      ...problemResponses({
        ...COMMON,
        403: "Viewer key",
        404: "No such draft, or another agency's",
        409: "Contains state secrets, or not in status \"draft\" (already published)",
        422: "Period shorter than MIN_COMMENT_DAYS without shortenedPeriodReason, empty summary part, unknown unit, closing date passed, or no question",
      }),
    },
  });
  openapi.register({
    method: "post",
    path: "/api/v1/drafts/{id}/close",
    summary: "Close an open or scheduled draft early (admin only).",
    tags,
    auth: true,
    params: draftIdParams,
    body: closeDraftBody,
    responses: {
      200: { description: "The closed draft", schema: draftView },
      ...problemResponses({ ...COMMON, 403: "Not an admin key", 404: "No such draft", 409: "Not open or scheduled" }),
    },
  });
}
