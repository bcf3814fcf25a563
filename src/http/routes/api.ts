import express, { Router } from "express";
import { authenticate } from "../auth.js";
import type { ApiDeps } from "./deps.js";
import { draftRoutes } from "./drafts.js";
import { readRoutes } from "./reads.js";
import { broadcastRoutes } from "./broadcasts.js";
import { inviteRoutes } from "./invites.js";
import { commentRoutes } from "./comments.js";


export type { ApiDeps } from "./deps.js";

/** The officers' API under /api/v1: JSON bodies within BODY_LIMIT, Bearer API keys. */
export function apiRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(express.json({ limit: deps.config.BODY_LIMIT, strict: true, type: ["application/json", "application/*+json"] }));
  router.use(authenticate(deps.db));
  router.use(draftRoutes(deps));
  router.use(readRoutes(deps));
  router.use(broadcastRoutes(deps));
  router.use(inviteRoutes(deps));
  router.use(commentRoutes(deps));
  return router;
}
