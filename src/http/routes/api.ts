import express, { Router } from "express";
import { AppError } from "../../errors.js";
import { authenticate } from "../auth.js";
import { perKeyLimit } from "../rate-limits.js";
import { consoleRulesFrom } from "../../domain/officers/settings.js";
import type { ApiDeps } from "./deps.js";
import { draftRoutes } from "./drafts.js";
import { readRoutes } from "./reads.js";
import { broadcastRoutes } from "./broadcasts.js";
import { inviteRoutes } from "./invites.js";
import { commentRoutes } from "./comments.js";
import { communePosterRoutes } from "./communes-posters.js";
import { relayRoutes } from "./relays.js";
import { auditRoutes } from "./audit.js";
import { outcomeRoutes } from "./outcome.js";
import { offlineFeedbackRoutes } from "./offline-feedback.js";
import { reportRoutes } from "./reports.js";


export type { ApiDeps } from "./deps.js";

/** The officers' API under /api/v1: JSON bodies within BODY_LIMIT, Bearer API keys. */
export function apiRouter(deps: ApiDeps): Router {
  const router = Router();
  const jsonTypes = ["application/json", "application/*+json"];
  router.use(express.json({ limit: deps.config.BODY_LIMIT, strict: true, type: jsonTypes }));
  // A body in another format would be ignored silently (e.g. a close reason sent as a form): refuse it.
  router.use((req, _res, next) => {
    const hasBody = req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
    if (hasBody && !req.is(jsonTypes)) {
      throw new AppError(415, "unsupported-media-type", "Unsupported media type", "Send the body as JSON with 'Content-Type: application/json'.", [
        { field: "Content-Type", message: `${req.headers["content-type"] ?? "missing"}; expected application/json` },
      ]);
    }
    next();
  });
  // An API key, or an officer's console session (with its CSRF token on changes): the same principal.
  router.use(authenticate(deps.db, { failuresPerMinute: deps.config.API_AUTH_FAILURES_PER_MINUTE, console: consoleRulesFrom(deps.config) }));
  router.use(perKeyLimit(deps.config.API_RATE_LIMIT_PER_KEY_PER_MINUTE));
  router.use(draftRoutes(deps));
  router.use(readRoutes(deps));
  router.use(broadcastRoutes(deps));
  router.use(inviteRoutes(deps));
  router.use(commentRoutes(deps));
  router.use(communePosterRoutes(deps));
  router.use(relayRoutes(deps));
  router.use(auditRoutes(deps));
  router.use(outcomeRoutes(deps));
  router.use(offlineFeedbackRoutes(deps));
  router.use(reportRoutes(deps));
  return router;
}
