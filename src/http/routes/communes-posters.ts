import { pipeline } from "node:stream/promises";
import { Router, type Response } from "express";
import { z } from "zod";
import { listCommunes, type CommuneListItem } from "../../domain/communes.js";
import { conflict, notFound } from "../../errors.js";
import { dejavuFonts } from "../../posters/fonts.js";
import { posterLayout, type PosterLayout } from "../../posters/layout.js";
import { posterLinks, posterLinkSettings, type PosterLink } from "../../posters/links.js";
import { posterSvg } from "../../posters/svg.js";
import { posterText } from "../../posters/text.js";
import type { ApiDeps } from "./deps.js";
import { problemResponses } from "../problem-schema.js";

const posterParams = z.object({ code: z.string().describe("The commune's code (a current unit, e.g. 05977)") });
const posterQuery = z.object({
  format: z.enum(["pdf", "png", "svg"]).default("pdf").describe("pdf (default, DejaVu Sans embedded), png (A4 at 150 dpi) or svg"),
});
const allPostersQuery = z.object({
  format: z.enum(["pdf"]).default("pdf").describe("pdf: one A4 page per commune"),
});

const CONTENT_TYPES = { pdf: "application/pdf", png: "image/png", svg: "image/svg+xml; charset=utf-8" } as const;

/** The poster's links, or a 409 naming the variables to set (the configuration, not the request, is at fault). */
function linksOrConflict(deps: ApiDeps, code: string): PosterLink[] {
  const r = posterLinks(posterLinkSettings(deps.config), code);
  if (r.ok) return r.links;
  throw conflict(`A poster needs a public link for every enabled channel and at least one channel; set ${r.missing.map((m) => m.field).join(" or ")}.`, r.missing);
}

/** QR posters of communes: one (PDF, PNG or SVG) or all of them in one PDF. Any officer key. */
export function communePosterRoutes(deps: ApiDeps): Router {
  const router = Router();
  // Fonts and the PDF/PNG libraries (pdfkit, resvg) are loaded on the first poster, not in every idle service.
  let fontsLoaded: ReturnType<typeof dejavuFonts> | undefined;
  const fonts = () => (fontsLoaded ??= dejavuFonts());
  const pdf = () => import("../../posters/pdf.js");
  const text = posterText("vi");
  const layoutOf = (c: CommuneListItem): PosterLayout => posterLayout(c, linksOrConflict(deps, c.code), text);

  deps.openapi.register({
    method: "get",
    path: "/api/v1/communes/posters",
    summary: "QR posters of every commune in one PDF, one A4 page per commune (streamed)",
    tags: ["communes"],
    auth: true,
    query: allPostersQuery,
    responses: {
      200: { description: "application/pdf attachment", schema: z.string().describe("PDF"), contentType: CONTENT_TYPES.pdf },
      ...problemResponses({
        400: "A format other than pdf",
        401: "Missing or unknown API key",
        409: "No enabled channel with a public link, or an enabled channel's link variable is missing",
      }),
    },
  });
  router.get("/communes/posters", async (req, res) => {
    allPostersQuery.parse(req.query);
    const communes = await listCommunes(deps.db);
    const first = communes[0];
    if (first) linksOrConflict(deps, first.code);
    res.setHeader("Content-Type", CONTENT_TYPES.pdf);
    res.attachment("gopy-posters.pdf");
    const { posterPdf } = await pdf();
    await streamPdf(res, posterPdf(lazyLayouts(communes, layoutOf), fonts(), "gopy"));
  });

  deps.openapi.register({
    method: "get",
    path: "/api/v1/communes/{code}/poster",
    summary: "An A4 QR poster of a commune in Vietnamese: its name, former units, one code per enabled channel, how to join and stop",
    tags: ["communes"],
    auth: true,
    params: posterParams,
    query: posterQuery,
    responses: {
      200: { description: "application/pdf, image/png (1240 × 1754, 150 dpi) or image/svg+xml", schema: z.string().describe("The poster") },
      ...problemResponses({
        400: "Unknown format",
        401: "Missing or unknown API key",
        404: "No such commune",
        409: "No enabled channel with a public link, or an enabled channel's link variable is missing",
      }),
    },
  });
  router.get("/communes/:code/poster", async (req, res) => {
    const { format } = posterQuery.parse(req.query);
    const commune = (await listCommunes(deps.db)).find((c) => c.code === req.params.code);
    if (!commune) throw notFound(`No commune with code ${req.params.code}.`);
    const layout = layoutOf(commune);
    res.setHeader("Content-Type", CONTENT_TYPES[format]);
    res.setHeader("Content-Disposition", `inline; filename="gopy-poster-${commune.code.replace(/[^A-Za-z0-9_-]/g, "")}.${format}"`);
    if (format === "pdf") {
      const { pdfBuffer, posterPdf } = await pdf();
      res.send(await pdfBuffer(posterPdf([layout], fonts(), commune.name)));
      return;
    }
    const svg = posterSvg(layout, fonts().family);
    res.send(format === "svg" ? svg : (await import("../../posters/png.js")).posterPng(svg, fonts()));
  });

  return router;
}

function* lazyLayouts<T>(items: T[], layoutOf: (item: T) => PosterLayout): Generator<PosterLayout> {
  for (const item of items) yield layoutOf(item);
}

/** Stream a PDF; a failure after the first byte can only cut the response. */
async function streamPdf(res: Response, doc: NodeJS.ReadableStream): Promise<void> {
  try {
    await pipeline(doc, res);
  } catch (err) {
    if (!res.headersSent) throw err;
    res.destroy(err as Error);
  }
}
