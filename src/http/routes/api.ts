import express, { Router } from "express";
import type { Config } from "../../config.js";
import type { Db } from "../../db/client.js";
import type { Broadcaster } from "../../delivery/broadcaster.js";
import type { Logger } from "../../logger.js";
import { authenticate } from "../auth.js";
import type { OpenApiRegistry } from "../openapi.js";
import { draftRoutes } from "./drafts.js";
import { readRoutes } from "./reads.js";
import { broadcastRoutes } from "./broadcasts.js";
import { inviteRoutes } from "./invites.js";
import { commentRoutes } from "./comments.js";

export interface ApiDeps {
  config: Config;
  db: Db;
  logger: Logger;
  broadcaster: Broadcaster;
  openapi: OpenApiRegistry;
}

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
