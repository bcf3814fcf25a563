import type { ErrorRequestHandler, Request, RequestHandler, Response } from "express";
import type { Principal } from "../domain/api-keys.js";
import { AppError, forbidden } from "../errors.js";
import { assertCsrf, consoleSessionOf, readCookie, SESSION_COOKIE } from "../http/console-session.js";
import { sendProblem } from "../http/problem.js";
import type { ConsoleDeps } from "./deps.js";
import { t, type MessageKey } from "../i18n/index.js";
import { localeOf } from "./render.js";

/** Pages need a session: GETs without one go to the login page (saying so when the session ended). */
export function requireOfficer(deps: ConsoleDeps): RequestHandler {
  return async (req, res, next) => {
    const session = await consoleSessionOf(deps.db, deps.rules, req, res);
    if (!session) {
      const ended = readCookie(req, SESSION_COOKIE) ? "&expired=1" : "";
      if (req.method === "GET") {
        res.redirect(303, `/console/login?next=${encodeURIComponent(req.originalUrl)}${ended}`);
        return;
      }
      throw new AppError(401, "unauthorized", "Unauthorized", "Log in first.");
    }
    assertCsrf(req, session);
    res.locals.principal = session.principal;
    next();
  };
}

export const officerOf = (res: Response): Principal => res.locals.principal as Principal;

export function requireAdmin(): RequestHandler {
  return (_req, res, next) => {
    if (officerOf(res).role !== "admin") throw forbidden("Admins only.");
    next();
  };
}

const wantsJson = (req: Request) => (req.get("accept") ?? "").includes("application/json") && !(req.get("accept") ?? "").includes("text/html");

/** Refusals as a page (or problem+json for the page scripts); nothing else is said about the cause. */
export function consoleErrors(deps: ConsoleDeps): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (!(err instanceof AppError) || res.headersSent) {
      next(err);
      return;
    }
    if (wantsJson(req)) {
      sendProblem(res, err.status, err.type, err.title, err.message, err.errors);
      return;
    }
    const csrf = err.errors.some((e) => e.field === "X-CSRF-Token");
    const key: MessageKey = csrf ? "console.error.csrf" : err.status === 401 ? "console.error.401" : err.status === 404 ? "console.error.404" : "console.error.403";
    deps.page(req, res, "refusal", { title: "console.error.title", status: err.status, message: t(localeOf(req), key) });
  };
}
