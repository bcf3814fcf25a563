import type { PosterLink } from "./links.js";
import { qrPath, type QrPath } from "./qr.js";
import type { PosterText } from "./text.js";

/** A4 in PDF points (1/72 inch): the unit of every position below. */
export const A4 = { width: 595.28, height: 841.89 } as const;
const MARGIN = 42;
const CONTENT_WIDTH = A4.width - 2 * MARGIN;
const CENTER = A4.width / 2;

/** The commune a poster is for: its current name and the former units merged into it. */
export interface PosterCommune {
  code: string;
  name: string;
  formerUnits: { name: string }[];
}

/** One line of text, centred on x, y being its baseline. */
export interface TextLine {
  text: string;
  x: number;
  y: number;
  size: number;
  bold: boolean;
  color: string;
}

/** One QR code: its square (x, y top-left, size without the quiet zone), the link and the path to draw. */
export interface CodeBox {
  x: number;
  y: number;
  size: number;
  url: string;
  qr: QrPath;
}

export interface PosterLayout {
  width: number;
  height: number;
  lines: TextLine[];
  codes: CodeBox[];
  /** The frame drawn around the page's content. */
  frame: { x: number; y: number; width: number; height: number; color: string };
}

const RED = "#b3261e";
const NBSP = "\u00a0";
const INK = "#1b1b1b";
const GREY = "#4a4a4a";

/**
 * A cautious width estimate for DejaVu Sans (wider than the real glyphs), used only to decide line breaks
 * and to shrink a long name; each renderer centres the text with the font's own metrics.
 */
export function estimateWidth(text: string, size: number, bold: boolean): number {
  let em = 0;
  for (const ch of text.normalize("NFC")) {
    if (ch === " " || ch === NBSP) em += 0.32;
    else if (ch !== ch.toLowerCase()) em += bold ? 0.8 : 0.74;
    else em += bold ? 0.7 : 0.62;
  }
  return em * size;
}

/** Greedy line breaking at (ordinary) spaces within `width`; at most `maxLines`, the last one ending in "…" if cut. */
export function wrap(text: string, size: number, bold: boolean, width: number, maxLines = Infinity): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/[ \t\n]+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (!line || estimateWidth(candidate, size, bold) <= width) {
      line = candidate;
      continue;
    }
    lines.push(line);
    line = word;
  }
  if (line) lines.push(line);
  const kept = lines.slice(0, maxLines).map((l) => l.replaceAll(NBSP, " "));
  if (lines.length <= maxLines) return kept;
  kept[maxLines - 1] = `${kept[maxLines - 1]!.replace(/[,;]?$/, "")} …`;
  return kept;
}

/** The largest size from `max` down to `min` at which the text fits on one line. */
function fitSize(text: string, bold: boolean, max: number, min: number): number {
  let size = max;
  while (size > min && estimateWidth(text, size, bold) > CONTENT_WIDTH) size -= 1;
  return size;
}

function block(out: TextLine[], lines: string[], y: number, size: number, leading: number, bold: boolean, color: string): number {
  for (const text of lines) {
    out.push({ text, x: CENTER, y, size, bold, color });
    y += leading;
  }
  return y;
}

/** Code size (pt) by number of codes side by side. */
const CODE_SIZE = [0, 290, 210, 140] as const;
/** The band between the former units and the closing lines where the codes and their labels are centred. */
const CODES_BAND = { top: 290, bottom: 640 } as const;
const LABEL_BELOW = 30;
const CLOSING_TOP = 700;

/**
 * Where everything goes on one A4 poster: the heading, the commune's name (large) and its former units
 * (smaller), one QR code per link with its label, and the two lines on joining and stopping.
 * A pure function: the SVG, PNG and PDF are drawn from it.
 */
export function posterLayout(commune: PosterCommune, links: PosterLink[], text: PosterText): PosterLayout {
  if (links.length === 0 || links.length > 3) throw new RangeError(`a poster holds 1 to 3 codes, not ${links.length}`);
  const lines: TextLine[] = [];
  block(lines, wrap(text.heading, 26, true, CONTENT_WIDTH), 96, 26, 32, true, RED);
  block(lines, wrap(text.intro, 15, false, CONTENT_WIDTH, 2), 130, 15, 20, false, GREY);

  const nameSize = fitSize(commune.name, true, 44, 24);
  lines.push({ text: commune.name, x: CENTER, y: 212, size: nameSize, bold: true, color: INK });
  if (commune.formerUnits.length) {
    // A unit's name is never split over two lines.
    const names = commune.formerUnits.map((f) => f.name.replaceAll(" ", NBSP)).join(", ");
    block(lines, wrap(text.formerUnits(names), 13, false, CONTENT_WIDTH, 3), 244, 13, 18, false, GREY);
  }

  const size = CODE_SIZE[links.length]!;
  const gap = (A4.width - links.length * size) / (links.length + 1);
  const top = CODES_BAND.top + (CODES_BAND.bottom - CODES_BAND.top - size - LABEL_BELOW) / 2;
  const codes: CodeBox[] = links.map((link, i) => ({ x: gap + i * (size + gap), y: top, size, url: link.url, qr: qrPath(link.url) }));
  links.forEach((link, i) => {
    lines.push({ text: text.label(link.label), x: codes[i]!.x + size / 2, y: top + size + LABEL_BELOW, size: 18, bold: true, color: INK });
  });

  const y = block(lines, wrap(text.join, 13, false, CONTENT_WIDTH, 3), CLOSING_TOP, 13, 19, false, INK) + 8;
  block(lines, wrap(text.stop, 13, true, CONTENT_WIDTH, 2), y, 13, 19, true, INK);

  return { width: A4.width, height: A4.height, lines, codes, frame: { x: 20, y: 20, width: A4.width - 40, height: A4.height - 40, color: RED } };
}

/** A code's square in pixels of a rendering `pixelWidth` wide, with `quietModules` of margin around it. */
export function codeRegion(code: CodeBox, pixelWidth: number, quietModules = 4) {
  const scale = pixelWidth / A4.width;
  const margin = (code.size / code.qr.size) * quietModules;
  const x = Math.max(0, Math.floor((code.x - margin) * scale));
  const y = Math.max(0, Math.floor((code.y - margin) * scale));
  const side = Math.ceil((code.size + 2 * margin) * scale);
  return { x, y, width: side, height: side };
}

/** Pixels for A4 at `dpi` (150 dpi: 1240 × 1754). */
export function a4Pixels(dpi: number): { width: number; height: number } {
  return { width: Math.round((A4.width / 72) * dpi), height: Math.round((A4.height / 72) * dpi) };
}
