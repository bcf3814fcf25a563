import { Router } from "express";
import { communeAudience } from "../../domain/commune-audience.js";
import type { ConsoleDeps } from "../deps.js";
import { officerOf } from "../guard.js";

/** Communes (audience, posters, invites) and the annual report page. */
export function communePages(deps: ConsoleDeps): Router {
  const router = Router();
  router.get("/communes", async (req, res) => {
    deps.page(req, res, "communes", {
      title: "console.communes.title",
      nav: "communes",
      scripts: ["/console/assets/communes.js"],
      communes: await communeAudience(deps.db),
      canInvite: officerOf(res).role !== "viewer",
    });
  });
  router.get("/report", (req, res) => {
    const thisYear = new Date().getFullYear();
    const asked = Number(req.query.year);
    const year = Number.isInteger(asked) && asked >= 2000 && asked <= thisYear + 1 ? asked : thisYear;
    deps.page(req, res, "report", {
      title: "console.report.title",
      nav: "report",
      scripts: ["/console/assets/report.js"],
      year,
      years: Array.from({ length: 6 }, (_, i) => thisYear - i),
    });
  });
  return router;
}
