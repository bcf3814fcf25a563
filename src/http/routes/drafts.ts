import { Router } from "express";
import type { ApiDeps } from "./api.js";

/** Drafts: create, list, get, patch, publish, close. (Filled in by the drafts work.) */
export function draftRoutes(_deps: ApiDeps): Router {
  return Router();
}
