import { crc32 } from "node:zlib";
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
  return withDpi(resvg.render().asPng(), dpi);
}

/**
 * Record the resolution in the PNG (a pHYs chunk right after IHDR, in pixels per metre), so that printing
 * the file at its stated size gives an A4 sheet.
 */
export function withDpi(png: Buffer, dpi: number): Buffer {
  const IHDR_END = 8 + 12 + 13;
  const data = Buffer.alloc(9);
  const perMetre = Math.round(dpi / 0.0254);
  data.writeUInt32BE(perMetre, 0);
  data.writeUInt32BE(perMetre, 4);
  data.writeUInt8(1, 8); // unit: metre
  const type = Buffer.from("pHYs", "latin1");
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  type.copy(chunk, 4);
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(Buffer.concat([type, data])), 8 + data.length);
  return Buffer.concat([png.subarray(0, IHDR_END), chunk, png.subarray(IHDR_END)]);
}
