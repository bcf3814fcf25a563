import { Router, type Request, type Response } from "express";
import { z } from "zod";
import { apiRoles } from "../../db/schema/index.js";
import { createOfficerAccount, listOfficerAccounts, setOfficerDisabled } from "../../domain/officers/accounts.js";
import { listAudit } from "../../domain/officers/audit-list.js";
import { principalLabel } from "../../domain/api-keys.js";
import { AppError } from "../../errors.js";
import { localDateTime } from "../../text/local-time.js";
import { zodFieldProblems } from "../../http/problem.js";
import type { ConsoleDeps } from "../deps.js";
import { officerOf, requireAdmin } from "../guard.js";

/** Admins: officers' accounts (create, disable, enable) and the audit log. */
export function officerPages(deps: ConsoleDeps): Router {
  const router = Router();
  router.use(["/officers", "/audit"], requireAdmin());
  const when = (d: Date | null) => (d ? localDateTime(d, deps.config.TZ_NAME).slice(0, 16) : "—");

  const show = async (req: Request, res: Response, extra: Record<string, unknown> = {}) => {
    const accounts = (await listOfficerAccounts(deps.db)).map((a) => ({ ...a, last: when(a.lastLoginAt) }));
    deps.page(req, res, "officers", { title: "console.officers.title", nav: "officers", accounts, roles: apiRoles, errors: {}, values: {}, ...extra });
  };

  router.get("/officers", (req, res) => show(req, res));

  router.post("/officers", async (req, res) => {
    const b = (req.body ?? {}) as Record<string, string>;
    const values = { name: b.name ?? "", login: b.login ?? "", role: b.role ?? "", agency: b.agency ?? "" };
    try {
      const { account, password } = await createOfficerAccount(deps.db, values, principalLabel(officerOf(res)));
      await show(req, res, { created: { login: account.login, password } });
    } catch (err) {
      const problems = err instanceof z.ZodError ? zodFieldProblems(err) : err instanceof AppError ? err.errors : null;
      if (!problems) throw err;
      const errors = Object.fromEntries(problems.map((p) => [p.field, p.message]));
      await show(req, res, { errors, values, status: err instanceof AppError ? err.status : 400 });
    }
  });

  router.post("/officers/:id/:action", async (req, res) => {
    const action = req.params.action;
    if (action !== "disable" && action !== "enable") throw new AppError(404, "not-found", "Not found", "No such action.");
    if (!/^[0-9a-f-]{36}$/i.test(req.params.id)) throw new AppError(404, "not-found", "Not found", "No such account.");
    await setOfficerDisabled(deps.db, req.params.id, action === "disable", principalLabel(officerOf(res)));
    res.redirect(303, "/console/officers");
  });

  router.get("/audit", async (req, res) => {
    const entries = (await listAudit(deps.db, 300)).map((e) => ({ ...e, when: when(e.at), detailsText: JSON.stringify(e.details) }));
    deps.page(req, res, "audit", { title: "console.audit.title", nav: "audit", entries });
  });
  return router;
}
