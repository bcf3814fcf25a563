import type { Request, Response } from "express";
import type { Db } from "../db/client.js";
import { csrfMatches, resolveSession, type ConsoleSession } from "../domain/officers/sessions.js";
import type { ConsoleRules } from "../domain/officers/settings.js";
import { forbidden } from "../errors.js";

export const SESSION_COOKIE = "gopy_session";
export const CSRF_HEADER = "x-csrf-token";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** One cookie's value from the Cookie header (no other cookie is read). */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === name) {
      try {
        return decodeURIComponent(part.slice(at + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The console session of this request (looked up once per request), or null. */
export async function consoleSessionOf(db: Db, rules: ConsoleRules, req: Request, res: Response): Promise<ConsoleSession | null> {
  if (res.locals.consoleSession !== undefined) return res.locals.consoleSession as ConsoleSession | null;
  const id = readCookie(req, SESSION_COOKIE);
  const session = id ? await resolveSession(db, rules, id) : null;
  res.locals.consoleSession = session;
  return session;
}

/** A state-changing request made with the session cookie must carry the session's CSRF token (header or form field). */
export function assertCsrf(req: Request, session: ConsoleSession): void {
  if (SAFE_METHODS.has(req.method)) return;
  const body = req.body as Record<string, unknown> | undefined;
  const presented = req.header(CSRF_HEADER) ?? (typeof body?._csrf === "string" ? body._csrf : undefined);
  if (!csrfMatches(session, presented)) {
    throw forbidden("A change made from the console needs the page's CSRF token; reload the page and try again.", [
      { field: "X-CSRF-Token", message: presented ? "wrong CSRF token" : "missing CSRF token" },
    ]);
  }
}
