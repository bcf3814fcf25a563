import { projectFile } from "../project-files.js";
import type { Request, Response } from "express";
import { Eta } from "eta";
import { catalogues, t, type Locale, type MessageKey } from "../i18n/index.js";
import type { ConsoleSession } from "../domain/officers/sessions.js";
import { readCookie } from "../http/console-session.js";

export const LANG_COOKIE = "gopy_lang";

export function localeOf(req: Request): Locale {
  return readCookie(req, LANG_COOKIE) === "en" ? "en" : "vi";
}

/** The console's text for the page scripts (console.* only), embedded as JSON, never as code. */
function consoleText(locale: Locale): Record<string, string> {
  return Object.fromEntries(Object.entries(catalogues[locale]).filter(([k]) => k.startsWith("console.")));
}

export interface PageOptions {
  title: MessageKey;
  /** The navigation entry to mark as current. */
  nav?: string;
  status?: number;
  [key: string]: unknown;
}

export type PageRenderer = (req: Request, res: Response, view: string, opts: PageOptions) => void;

/** Eta over src/console/views; every page gets the locale, its text, the officer and the CSRF token. */
export function createPageRenderer(): PageRenderer {
  const eta = new Eta({ views: projectFile("src/console/views"), cache: true, autoEscape: true, autoTrim: false });
  return (req, res, view, opts) => {
    const locale = localeOf(req);
    const session = (res.locals.consoleSession ?? null) as ConsoleSession | null;
    const html = eta.render(view, {
      ...opts,
      locale,
      t: (key: MessageKey, params?: Record<string, string | number>) => t(locale, key, params),
      text: JSON.stringify(consoleText(locale)).replace(/</g, "\\u003c"),
      user: session ? { name: session.principal.name, role: session.principal.role } : null,
      csrf: session?.csrfToken ?? "",
      path: req.originalUrl,
    });
    res.status(opts.status ?? 200).type("html").setHeader("Cache-Control", "no-store");
    res.send(html);
  };
}
