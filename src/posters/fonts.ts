import { createRequire } from "node:module";

/** The TrueType files posters are drawn with: DejaVu Sans covers every Vietnamese letter. */
export interface PosterFonts {
  family: string;
  regular: string;
  bold: string;
}

/** DejaVu Sans from the dejavu-fonts-ttf package (installed with the service, never fetched at run time). */
export function dejavuFonts(): PosterFonts {
  const require = createRequire(import.meta.url);
  return {
    family: "DejaVu Sans",
    regular: require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf"),
    bold: require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf"),
  };
}
