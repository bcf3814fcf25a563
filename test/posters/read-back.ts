import jsQR from "jsqr";
import { PNG } from "pngjs";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { codeRegion, type PosterLayout } from "../../src/posters/layout.js";

/** Decode a PNG and read back each of the layout's QR codes from its own region (jsQR finds one code per image). */
export function readCodes(png: Buffer, layout: PosterLayout): { width: number; height: number; codes: (string | null)[] } {
  const image = PNG.sync.read(png);
  const codes = layout.codes.map((code) => {
    const r = codeRegion(code, image.width);
    const width = Math.min(r.width, image.width - r.x);
    const height = Math.min(r.height, image.height - r.y);
    const crop = new Uint8ClampedArray(width * height * 4);
    for (let row = 0; row < height; row++) {
      const from = ((r.y + row) * image.width + r.x) * 4;
      crop.set(image.data.subarray(from, from + width * 4), row * width * 4);
    }
    return jsQR.default(crop, width, height)?.data ?? null;
  });
  return { width: image.width, height: image.height, codes };
}

/** The resolution a PNG states in its pHYs chunk, in dots per inch (null: none). */
export function pngDpi(png: Buffer): { x: number; y: number } | null {
  let at = 8;
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString("latin1", at + 4, at + 8);
    if (type === "pHYs" && png[at + 16] === 1) return { x: png.readUInt32BE(at + 8) * 0.0254, y: png.readUInt32BE(at + 12) * 0.0254 };
    if (type === "IDAT") return null;
    at += 12 + length;
  }
  return null;
}

/** The text of each page of a PDF, as pdf.js extracts it (items joined, NFC). */
export async function pdfPagesText(pdf: Buffer | Uint8Array): Promise<string[]> {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(content.items.map((it) => ("str" in it ? it.str : "")).join(" ").normalize("NFC"));
  }
  await doc.destroy();
  return pages;
}
