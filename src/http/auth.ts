import type { RequestHandler, Response } from "express";
import type { Db } from "../db/client.js";
import type { ApiRole } from "../db/schema/index.js";
import { authenticateKey, type Principal } from "../domain/api-keys.js";
import type { ConsoleRules } from "../domain/officers/settings.js";
import { forbidden, unauthorized } from "../errors.js";
import { createWindowCounter, sendRateLimited } from "./rate-limits.js";
import { requestOrigin } from "./request-context.js";
import { assertCsrf, consoleSessionOf } from "./console-session.js";

export interface AuthOptions {
  /** Failed authentications allowed per client address per minute; past it, failures are answered 429. */
  failuresPerMinute: number;
  /** When given, a request without an Authorization header may use an officer's console session cookie. */
  console?: ConsoleRules;
}

/**
 * Bearer API key authentication or, without an Authorization header and when console rules are given,
 * an officer's console session cookie (state-changing requests need its CSRF token). Either way the same
 * principal (role, agency) goes to res.locals.principal. Failures are counted per address apart from
 * valid requests: an address past its failures is answered 429 for every request without a valid key,
 * while a valid key from the same address (an office behind one NAT) still works.
 */
export function authenticate(db: Db, opts: AuthOptions = { failuresPerMinute: 30 }): RequestHandler {
  const failures = createWindowCounter(opts.failuresPerMinute);
  const refuse = (res: Response, address: string, error: Error) => {
    const { over, retryAfterS } = failures.hit(address);
    if (over) {
      sendRateLimited(res, retryAfterS, "Too many requests with a missing or wrong API key from this address; retry later.");
      return;
    }
    throw error;
  };
  return async (req, res, next) => {
    const address = req.ip ?? "unknown";
    const header = req.header("authorization");
    const session = !header && opts.console ? await consoleSessionOf(db, opts.console, req, res) : null;
    if (session) {
      assertCsrf(req, session);
      res.locals.principal = { ...session.principal, origin: requestOrigin(req) };
      next();
      return;
    }
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) {
      return refuse(
        res,
        address,
        unauthorized("Send an API key as 'Authorization: Bearer <key>'. Create one with: npm run cli -- keys create", [
          { field: "Authorization", message: "missing Bearer API key" },
        ]),
      );
    }
    const principal = await authenticateKey(db, match[1]);
    if (!principal) return refuse(res, address, unauthorized("The API key is unknown or revoked.", [{ field: "Authorization", message: "unknown or revoked API key" }]));
    res.locals.principal = { ...principal, origin: requestOrigin(req) };
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
