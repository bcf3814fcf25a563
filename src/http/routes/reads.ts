import { Router } from "express";
import type { ApiDeps } from "./api.js";

/** Read-side endpoints: stats, feedback exports, communes. (Filled in by the reads work.) */
export function readRoutes(_deps: ApiDeps): Router {
  return Router();
}
