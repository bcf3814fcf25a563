import type { RequestHandler, Response } from "express";
import type { Db } from "../db/client.js";
import type { ApiRole } from "../db/schema/index.js";
import { authenticateKey, type Principal } from "../domain/api-keys.js";
import type { ConsoleRules } from "../domain/officers/settings.js";
import { forbidden, unauthorized } from "../errors.js";
import { assertCsrf, consoleSessionOf } from "./console-session.js";

/**
 * Bearer API key authentication or, without an Authorization header and when `consoleRules` are given,
 * an officer's console session cookie (state-changing requests need its CSRF token). Either way the same
 * principal (role, agency) goes to res.locals.principal.
 */
export function authenticate(db: Db, consoleRules?: ConsoleRules): RequestHandler {
  return async (req, res, next) => {
    const header = req.header("authorization");
    const session = !header && consoleRules ? await consoleSessionOf(db, consoleRules, req, res) : null;
    if (session) {
      assertCsrf(req, session);
      res.locals.principal = session.principal;
      next();
      return;
    }
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) {
      throw unauthorized("Send an API key as 'Authorization: Bearer <key>'. Create one with: npm run cli -- keys create", [
        { field: "Authorization", message: "missing Bearer API key" },
      ]);
    }
    const principal = await authenticateKey(db, match[1]);
    if (!principal) throw unauthorized("The API key is unknown or revoked.", [{ field: "Authorization", message: "unknown or revoked API key" }]);
    res.locals.principal = principal;
    res.locals.log = (res.locals.log as { child: (m: object) => unknown }).child({ keyId: principal.keyId });
    next();
  };
}

export function principalOf(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw unauthorized("Not authenticated.");
  return p;
}

/** Allow only these roles. Drafters are further limited to their own agency by the domain. */
export function requireRole(...roles: ApiRole[]): RequestHandler {
  return (_req, res, next) => {
    const p = principalOf(res);
    if (!roles.includes(p.role)) {
      throw forbidden(`This needs the role ${roles.join(" or ")}; the key has ${p.role}.`, [
        { field: "Authorization", message: `role ${p.role} may not do this` },
      ]);
    }
    next();
  };
}
