import { createRequire } from "node:module";
import { projectFile } from "../project-files.js";
import express, { Router } from "express";
import type { ConsoleDeps } from "./deps.js";
import { consoleErrors, requireOfficer } from "./guard.js";
import { authPages } from "./pages/auth.js";
import { communePages } from "./pages/communes.js";
import { draftPages } from "./pages/drafts.js";
import { officerPages } from "./pages/officers.js";

export type { ConsoleDeps } from "./deps.js";

const resolvePackageFile = createRequire(import.meta.url).resolve;

/**
 * The officers' web console under /console: server-rendered pages over the same domain services as
 * the API; its scripts call /api/v1 with the session cookie and CSRF token. Scripts, styles and the
 * chart library are served from here (no CDN, no external font).
 */
export function consoleRouter(deps: ConsoleDeps): Router {
  const router = Router();
  const assets = { immutable: false, maxAge: "1h", index: false, fallthrough: false } as const;
  router.use("/assets", express.static(projectFile("src/console/assets"), assets));
  router.get("/vendor/echarts.min.js", (_req, res) => res.sendFile(resolvePackageFile("echarts/dist/echarts.min.js"), { maxAge: "1d" }));
  router.use(express.urlencoded({ extended: false, limit: "64kb", parameterLimit: 50 }));
  router.use(express.json({ limit: deps.config.BODY_LIMIT }));
  router.get("/", (_req, res) => res.redirect(303, "/console/drafts"));
  router.use(authPages(deps));
  router.use(requireOfficer(deps));
  router.use(draftPages(deps));
  router.use(communePages(deps));
  router.use(officerPages(deps));
  router.use(consoleErrors(deps));
  return router;
}
