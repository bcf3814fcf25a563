import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { t } from "../../src/i18n/index.js";
import { isStop } from "../../handlers/text-match.js";
import { dejavuFonts } from "../../src/posters/fonts.js";
import { a4Pixels, posterLayout, type PosterCommune } from "../../src/posters/layout.js";
import { posterLinks, posterLinkSettings, type PosterLink, type PosterLinkSettings } from "../../src/posters/links.js";
import { pdfBuffer, posterPdf } from "../../src/posters/pdf.js";
import { POSTER_DPI, posterPng } from "../../src/posters/png.js";
import { posterSvg } from "../../src/posters/svg.js";
import { posterText } from "../../src/posters/text.js";
import { pdfPagesText, pngDpi, readCodes } from "./read-back.js";

const fonts = dejavuFonts();
const text = posterText("vi");
const DONG_KINH: PosterCommune = {
  code: "05977",
  name: "Phường Đông Kinh",
  formerUnits: [{ name: "Phường Đông Kinh" }, { name: "Phường Vĩnh Trại" }, { name: "Xã Mai Pha" }, { name: "Xã Hoàng Đồng" }],
};
const ALL_ON: PosterLinkSettings = {
  telegram: { enabled: true, username: "gopy_langson_bot" },
  zaloOa: { enabled: true, oaId: "4318205566987654321" },
  zaloBot: { enabled: true, link: "https://zalo.me/s/botgopylangson/" },
};

function linksOf(settings: PosterLinkSettings, code: string): PosterLink[] {
  const r = posterLinks(settings, code);
  if (!r.ok) throw new Error(`unexpected missing ${JSON.stringify(r.missing)}`);
  return r.links;
}

describe("poster links", () => {
  it("gives the Telegram deep link to the commune, the Zalo OA link and the Zalo Bot link", () => {
    expect(linksOf(ALL_ON, "05977")).toEqual([
      { channel: "telegram", label: "poster.channel.telegram", url: "https://t.me/gopy_langson_bot?start=c_05977" },
      { channel: "zalo-oa", label: "poster.channel.zaloOa", url: "https://zalo.me/4318205566987654321" },
      { channel: "zalo-bot", label: "poster.channel.zaloBot", url: "https://zalo.me/s/botgopylangson/" },
    ]);
  });

  it("leaves out disabled channels and a Zalo Bot without a link", () => {
    const links = linksOf({ ...ALL_ON, zaloOa: { enabled: false, oaId: "1" }, zaloBot: { enabled: true } }, "06001");
    expect(links.map((l) => l.url)).toEqual(["https://t.me/gopy_langson_bot?start=c_06001"]);
  });

  it("names the variable an enabled channel lacks, and all three when no channel has a link", () => {
    expect(posterLinks({ ...ALL_ON, telegram: { enabled: true } }, "05977")).toEqual({
      ok: false,
      missing: [expect.objectContaining({ field: "TELEGRAM_BOT_USERNAME" })],
    });
    expect(posterLinks({ ...ALL_ON, zaloOa: { enabled: true } }, "05977")).toMatchObject({ ok: false, missing: [{ field: "ZALO_OA_ID" }] });
    const none = posterLinks({ telegram: { enabled: false }, zaloOa: { enabled: false }, zaloBot: { enabled: true } }, "05977");
    expect(none.ok).toBe(false);
    if (!none.ok) expect(none.missing.map((m) => m.field)).toEqual(["TELEGRAM_BOT_USERNAME", "ZALO_OA_ID", "ZALO_BOT_LINK"]);
  });
});

describe("poster text", () => {
  it("names stop words the bots understand, in both languages", () => {
    for (const locale of ["vi", "en"] as const) {
      const line = t(locale, "poster.stop");
      const words = ["DỪNG", "HUỶ", "STOP"].filter((w) => line.includes(w));
      expect(words, locale).toEqual(["DỪNG", "HUỶ", "STOP"]);
      for (const w of words) expect(isStop(w), w).toBe(true);
    }
  });
});

describe("poster configuration", () => {
  const TOKEN = "123456789:AAEposterTestToken_abcdefghij";
  it("reads the channels from the configuration: the @ of a username is dropped", () => {
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_BOT_USERNAME: "@gopy_langson_bot", ZALO_BOT_TOKEN: "1:abc", ZALO_BOT_LINK: "https://zalo.me/s/botgopy/" });
    expect(linksOf(posterLinkSettings(config), "05977").map((l) => l.url)).toEqual([
      "https://t.me/gopy_langson_bot?start=c_05977",
      "https://zalo.me/s/botgopy/",
    ]);
    // Zalo OA needs its three credentials to be on; the OA id alone does not put a code on the poster.
    expect(posterLinkSettings(loadConfig({ ZALO_OA_ID: "4318205566987654321" })).zaloOa.enabled).toBe(false);
  });

  it("refuses a malformed username or a Zalo Bot link that is not https, naming the variable", () => {
    expect(() => loadConfig({ TELEGRAM_BOT_USERNAME: "gopy bot" })).toThrow(/TELEGRAM_BOT_USERNAME/);
    expect(() => loadConfig({ TELEGRAM_BOT_USERNAME: "https://t.me/gopy_bot" })).toThrow(/TELEGRAM_BOT_USERNAME/);
    expect(() => loadConfig({ ZALO_BOT_LINK: "http://zalo.me/s/botgopy/" })).toThrow(/ZALO_BOT_LINK/);
  });
});

describe("poster rendering", () => {
  it.each([
    ["three channels", ALL_ON],
    ["Telegram only", { ...ALL_ON, zaloOa: { enabled: false }, zaloBot: { enabled: false } }],
    ["Telegram and Zalo OA", { ...ALL_ON, zaloBot: { enabled: false } }],
  ])("PNG at 150 dpi: every QR code reads back to its link (%s)", (_name, settings) => {
    const links = linksOf(settings, DONG_KINH.code);
    const layout = posterLayout(DONG_KINH, links, text);
    const png = posterPng(posterSvg(layout, fonts.family), fonts);
    const read = readCodes(png, layout);
    expect(read.codes).toEqual(links.map((l) => l.url));
    // A4 is 8.27 × 11.69 inches: at least 150 pixels per inch both ways.
    expect(read.width / (210 / 25.4)).toBeGreaterThanOrEqual(POSTER_DPI - 0.5);
    expect(read.height / (297 / 25.4)).toBeGreaterThanOrEqual(POSTER_DPI - 0.5);
    expect({ width: read.width, height: read.height }).toEqual(a4Pixels(150));
    expect(a4Pixels(150)).toEqual({ width: 1240, height: 1754 });
    // The file says so too, so that it prints on one A4 sheet.
    const dpi = pngDpi(png)!;
    expect(dpi.x).toBeCloseTo(150, 0);
    expect(dpi.y).toBeCloseTo(150, 0);
  });

  it("SVG: the name, the former units, each label and the two lines, XML-escaped", () => {
    const layout = posterLayout(DONG_KINH, linksOf(ALL_ON, DONG_KINH.code), text);
    const svg = posterSvg(layout, fonts.family);
    expect(svg).toContain(">Phường Đông Kinh</text>");
    expect(svg).toContain("Xã Mai Pha");
    for (const label of ["Telegram", "Zalo OA", "Zalo Bot"]) expect(svg).toContain(`>${label}</text>`);
    expect(svg).toContain("DỪNG");
    expect(svg).toContain("font-family=\"DejaVu Sans\"");
    const odd = posterSvg(posterLayout({ code: "x", name: "Xã <A & B>", formerUnits: [] }, linksOf(ALL_ON, "x"), text), fonts.family);
    expect(odd).toContain(">Xã &lt;A &amp; B&gt;</text>");
    expect(odd).not.toContain("Gồm địa bàn");
  });

  it("a long list of former units is cut to three lines, never over the codes", () => {
    const many = { code: "1", name: "Xã Thử Nghiệm", formerUnits: Array.from({ length: 30 }, (_, i) => ({ name: `Xã Cũ Số ${i + 1}` })) };
    const layout = posterLayout(many, linksOf(ALL_ON, "1"), text);
    const former = layout.lines.filter((l) => l.size === 13 && l.y < layout.codes[0]!.y);
    expect(former).toHaveLength(3);
    expect(former[2]!.text.endsWith("…")).toBe(true);
  });

  it("PDF: the commune's name with its diacritics in the extracted text, DejaVu Sans embedded", async () => {
    const layout = posterLayout(DONG_KINH, linksOf(ALL_ON, DONG_KINH.code), text);
    const pdf = await pdfBuffer(posterPdf([layout], fonts, DONG_KINH.name));
    const [page, ...rest] = await pdfPagesText(pdf);
    expect(rest).toEqual([]);
    expect(page).toContain("Phường Đông Kinh");
    expect(page).toContain("Xã Hoàng Đồng");
    expect(page).toContain("GÓP Ý DỰ THẢO CHÍNH SÁCH");
    expect(pdf.toString("latin1")).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans-Bold/);
    expect(pdf.toString("latin1")).toMatch(/\/FontFile2/);
  });
});
