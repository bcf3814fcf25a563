import QRCode from "qrcode";

/** A QR code as one SVG path in module units (0..size), dark modules filled; no quiet zone included. */
export interface QrPath {
  size: number;
  d: string;
}

/** Encode a link (error correction M: survives a worn or creased print) as a path of horizontal runs. */
export function qrPath(text: string): QrPath {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
  const size = modules.size;
  const parts: string[] = [];
  for (let row = 0; row < size; row++) {
    let col = 0;
    while (col < size) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < size && modules.get(row, col)) col++;
      parts.push(`M${start} ${row}h${col - start}v1h${start - col}z`);
    }
  }
  return { size, d: parts.join("") };
}
