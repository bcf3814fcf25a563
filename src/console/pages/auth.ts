import { randomBytes, timingSafeEqual } from "node:crypto";
import { Router, type Response } from "express";
import { logIn, logOut } from "../../domain/officers/sessions.js";
import { consoleSessionOf, readCookie, SESSION_COOKIE } from "../../http/console-session.js";
import { localDateTime } from "../../text/local-time.js";
import { t } from "../../i18n/index.js";
import type { ConsoleDeps } from "../deps.js";
import { requireOfficer } from "../guard.js";
import { LANG_COOKIE, localeOf } from "../render.js";

/** Only paths inside the console may be returned to after login (no open redirect). */
const safeNext = (v: unknown) => (typeof v === "string" && /^\/console(\/[^\s\\]*)?$/.test(v) && !v.startsWith("//") ? v : "/console/drafts");

/** The login form's own CSRF token (there is no session yet): a cookie that must match the form field. */
const LOGIN_COOKIE = "gopy_login";
const sameToken = (a: string | undefined, b: unknown) =>
  typeof a === "string" && typeof b === "string" && a.length === b.length && a.length > 0 && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Login, logout and the language switch. */
export function authPages(deps: ConsoleDeps): Router {
  const router = Router();
  const secure = deps.config.NODE_ENV === "production";
  const cookie = { httpOnly: true, sameSite: "strict" as const, secure, path: "/" };

  router.get("/login", async (req, res) => {
    if (await consoleSessionOf(deps.db, deps.rules, req, res)) {
      res.redirect(303, safeNext(req.query.next));
      return;
    }
    const locale = localeOf(req);
    const message = req.query.expired ? t(locale, "console.login.expired") : req.query.out ? t(locale, "console.login.loggedOut") : undefined;
    deps.page(req, res, "login", { title: "console.login.title", next: safeNext(req.query.next), message, loginToken: loginToken(res) });
  });

  function loginToken(res: Response): string {
    const token = randomBytes(24).toString("base64url");
    res.cookie(LOGIN_COOKIE, token, { ...cookie, maxAge: 3_600_000 });
    return token;
  }

  router.post("/login", async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const login = typeof body.login === "string" ? body.login.slice(0, 100) : "";
    const password = typeof body.password === "string" ? body.password.slice(0, 200) : "";
    const next = safeNext(body.next);
    if (!sameToken(readCookie(req, LOGIN_COOKIE), body._csrf)) {
      deps.page(req, res, "login", { title: "console.login.title", next, login, error: t(localeOf(req), "console.error.csrf"), loginToken: loginToken(res), status: 403 });
      return;
    }
    const result = await logIn(deps.db, deps.rules, login, password);
    if (result.ok) {
      res.cookie(SESSION_COOKIE, result.sessionId, { ...cookie, maxAge: deps.rules.maxHours * 3_600_000 });
      res.clearCookie(LOGIN_COOKIE, cookie);
      res.redirect(303, next);
      return;
    }
    const locale = localeOf(req);
    const error =
      result.reason === "locked" && result.lockedUntil
        ? t(locale, "console.login.locked", { time: localDateTime(result.lockedUntil, deps.config.TZ_NAME).slice(11, 16) })
        : t(locale, "console.login.invalid");
    deps.page(req, res, "login", { title: "console.login.title", next, error, login, loginToken: loginToken(res), status: result.reason === "locked" ? 429 : 401 });
  });

  router.post("/logout", requireOfficer(deps), async (req, res) => {
    const id = readCookie(req, SESSION_COOKIE);
    const label = (res.locals.principal as { label?: string }).label ?? "console";
    if (id) await logOut(deps.db, id, label);
    res.clearCookie(SESSION_COOKIE, cookie);
    res.redirect(303, "/console/login?out=1");
  });

  router.get("/lang/:locale", (req, res) => {
    const locale = req.params.locale === "en" ? "en" : "vi";
    res.cookie(LANG_COOKIE, locale, { httpOnly: true, sameSite: "strict", secure, path: "/", maxAge: 365 * 86_400_000 });
    res.redirect(303, safeNext(req.query.back));
  });

  return router;
}
