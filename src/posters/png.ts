import { Resvg } from "@resvg/resvg-js";
import type { PosterFonts } from "./fonts.js";
import { a4Pixels } from "./layout.js";

/** Print resolution of poster PNGs: A4 at 150 dpi is 1240 × 1754 pixels. */
export const POSTER_DPI = 150;

/** Rasterise a poster's SVG with the given fonts only (no system fonts, so every machine draws the same). */
export function posterPng(svg: string, fonts: PosterFonts, dpi = POSTER_DPI): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: "width", value: a4Pixels(dpi).width },
    font: { loadSystemFonts: false, fontFiles: [fonts.regular, fonts.bold], defaultFontFamily: fonts.family },
    background: "#ffffff",
  });
  return resvg.render().asPng();
}
