import PDFDocument from "pdfkit";
import type { PosterFonts } from "./fonts.js";
import type { PosterLayout } from "./layout.js";

const REGULAR = "poster-regular";
const BOLD = "poster-bold";

/** Draw one poster on the current page, from the same layout as the SVG (PDF units are points too). */
function drawPage(doc: PDFKit.PDFDocument, layout: PosterLayout): void {
  const { frame } = layout;
  doc.save().lineWidth(3).strokeColor(frame.color).rect(frame.x, frame.y, frame.width, frame.height).stroke().restore();
  for (const line of layout.lines) {
    const text = line.text.normalize("NFC");
    doc.font(line.bold ? BOLD : REGULAR).fontSize(line.size).fillColor(line.color);
    const width = doc.widthOfString(text);
    doc.text(text, line.x - width / 2, line.y, { lineBreak: false, baseline: "alphabetic" });
  }
  for (const code of layout.codes) {
    doc.save().translate(code.x, code.y).scale(code.size / code.qr.size).path(code.qr.d).fill("#000000").restore();
  }
}

/**
 * A PDF with one A4 page per layout, DejaVu Sans embedded (subset) so Vietnamese shows and can be
 * searched. Returns the document stream at once: pipe it, and the pages follow as they are drawn,
 * yielding between pages so a long run does not hold the event loop.
 */
export function posterPdf(layouts: Iterable<PosterLayout>, fonts: PosterFonts, title: string): PDFKit.PDFDocument {
  const doc = new PDFDocument({ size: "A4", margin: 0, autoFirstPage: false, info: { Title: title } });
  doc.registerFont(REGULAR, fonts.regular);
  doc.registerFont(BOLD, fonts.bold);
  void (async () => {
    try {
      for (const layout of layouts) {
        if (doc.destroyed) return; // the client went away
        doc.addPage({ size: "A4", margin: 0 });
        drawPage(doc, layout);
        await new Promise((resolve) => setImmediate(resolve));
      }
      doc.end();
    } catch (err) {
      doc.destroy(err as Error);
    }
  })();
  return doc;
}

/** The whole PDF in memory (one poster is a few tens of kilobytes). */
export async function pdfBuffer(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of doc as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
