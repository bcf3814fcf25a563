import { Router } from "express";
import type { OpenApiRegistry } from "../openapi.js";

/** GET /openapi.json (no key needed): the OpenAPI 3.1 document built from the registered zod schemas. */
export function openApiRoute(openapi: OpenApiRegistry): Router {
  const router = Router();
  router.get("/openapi.json", (_req, res) => {
    res.json(openapi.document());
  });
  return router;
}
