import type { PosterLayout } from "./layout.js";

const XML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
const n = (v: number) => Number(v.toFixed(2));

/**
 * The poster as an SVG document (A4, units in points): the source of the PNG. Text asks for `fontFamily`
 * (DejaVu Sans renders Vietnamese); QR codes are filled paths with crisp edges.
 */
export function posterSvg(layout: PosterLayout, fontFamily: string): string {
  const { width, height, frame } = layout;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<rect x="${frame.x}" y="${frame.y}" width="${n(frame.width)}" height="${n(frame.height)}" fill="none" stroke="${frame.color}" stroke-width="3"/>`,
    `<g font-family="${esc(fontFamily)}" text-anchor="middle">`,
    ...layout.lines.map(
      (l) => `<text x="${n(l.x)}" y="${n(l.y)}" font-size="${l.size}"${l.bold ? ' font-weight="bold"' : ""} fill="${l.color}">${esc(l.text.normalize("NFC"))}</text>`,
    ),
    `</g>`,
    ...layout.codes.map((c) => {
      const scale = c.size / c.qr.size;
      return `<path transform="translate(${n(c.x)} ${n(c.y)}) scale(${scale})" shape-rendering="crispEdges" fill="#000000" d="${c.qr.d}"/>`;
    }),
    `</svg>`,
  ];
  return parts.join("\n");
}
