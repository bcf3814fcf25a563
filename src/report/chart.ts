import { createRequire } from "node:module";
import { Resvg } from "@resvg/resvg-js";
import * as echarts from "echarts";

/** DejaVu Sans renders Vietnamese; loaded from the npm package, never from the system or the network. */
const FONT_FILE = createRequire(import.meta.url).resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf");
const FONT_FAMILY = "DejaVu Sans";

export interface ParticipationChartInput {
  /** Commune names, one bar group each. */
  labels: string[];
  series: { name: string; values: number[] }[];
  /** Pixel width of the PNG (the height grows with the number of communes). */
  width?: number;
}

/** A horizontal bar chart of participation per commune, as an SVG string (echarts server-side rendering). */
export function participationSvg(input: ParticipationChartInput): { svg: string; width: number; height: number } {
  const width = input.width ?? 1200;
  const height = Math.max(300, 80 + input.labels.length * 22 * Math.max(1, input.series.length * 0.6));
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: FONT_FAMILY },
      legend: { top: 5, textStyle: { fontFamily: FONT_FAMILY, fontSize: 14 } },
      grid: { left: 10, right: 40, top: 40, bottom: 10, containLabel: true },
      xAxis: { type: "value", minInterval: 1, axisLabel: { fontFamily: FONT_FAMILY } },
      yAxis: { type: "category", inverse: true, data: input.labels, axisLabel: { fontFamily: FONT_FAMILY, fontSize: 12 } },
      series: input.series.map((s) => ({ type: "bar", name: s.name, data: s.values, label: { show: true, position: "right", fontFamily: FONT_FAMILY } })),
    });
    return { svg: chart.renderToSVGString(), width, height };
  } finally {
    chart.dispose();
  }
}

/** The chart as a PNG (resvg, DejaVu font loaded explicitly, no system fonts). */
export function participationPng(input: ParticipationChartInput): { png: Buffer; width: number; height: number } {
  const { svg, width, height } = participationSvg(input);
  const resvg = new Resvg(svg, {
    background: "white",
    fitTo: { mode: "width", value: width },
    font: { loadSystemFonts: false, fontFiles: [FONT_FILE], defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
  });
  return { png: resvg.render().asPng(), width, height };
}
