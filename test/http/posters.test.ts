import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listCommunes } from "../../src/domain/communes.js";
import { posterLayout } from "../../src/posters/layout.js";
import { posterLinks, posterLinkSettings } from "../../src/posters/links.js";
import { posterText } from "../../src/posters/text.js";
import { startFakeTelegramApi, type FakeTelegramApi } from "../fakes/telegram-api.js";
import { startFakeZaloOa, type FakeZaloOa } from "../fakes/zalo-oa-api.js";
import { databaseKinds } from "../support/database.js";
import { startTestService, type TestService } from "../support/service.js";
import { startServiceWithFakeOa } from "../support/zalo-oa.js";
import { pdfPagesText, pngDpi, readCodes } from "../posters/read-back.js";

const TOKEN = "123456789:AAEposterTestToken_abcdefghij";
const DONG_KINH = "05977";

async function fetchBytes(svc: TestService, path: string, key?: string) {
  const res = await fetch(svc.url + path, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  return { status: res.status, type: res.headers.get("content-type") ?? "", disposition: res.headers.get("content-disposition") ?? "", body: Buffer.from(await res.arrayBuffer()) };
}

describe.each(databaseKinds)("commune posters on %s", (kind) => {
  let telegram: FakeTelegramApi;
  let oa: FakeZaloOa;
  let svc: TestService;
  let bare: TestService;
  let key: string;
  let viewerKey: string;

  beforeAll(async () => {
    telegram = await startFakeTelegramApi();
    oa = await startFakeZaloOa();
    svc = await startServiceWithFakeOa(kind, oa, {
      TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_MODE: "webhook", TELEGRAM_WEBHOOK_SECRET: "poster-test-secret-0123456789", TELEGRAM_API_ROOT: telegram.apiRoot,
      TELEGRAM_BOT_USERNAME: "@gopy_langson_bot",
    });
    key = await svc.createKey("admin");
    viewerKey = await svc.createKey("viewer", "Sở Tư pháp");
    bare = await startTestService(kind);
  });
  afterAll(async () => {
    await svc?.stop();
    await bare?.stop();
    await telegram?.close();
    await oa?.close();
  });

  async function layoutOf(code: string) {
    const commune = (await listCommunes(svc.database.db)).find((c) => c.code === code)!;
    const links = posterLinks(posterLinkSettings(svc.config), code);
    if (!links.ok) throw new Error("no links");
    return posterLayout(commune, links.links, posterText("vi"));
  }

  it("PNG: A4 at 150 dpi whose two codes read back to the Telegram deep link and the Zalo OA link", async () => {
    const res = await fetchBytes(svc, `/api/v1/communes/${DONG_KINH}/poster?format=png`, viewerKey);
    expect(res.status).toBe(200);
    expect(res.type).toBe("image/png");
    const read = readCodes(res.body, await layoutOf(DONG_KINH));
    expect(read.codes).toEqual([`https://t.me/gopy_langson_bot?start=c_${DONG_KINH}`, `https://zalo.me/${oa.oaId}`]);
    expect(read).toMatchObject({ width: 1240, height: 1754 });
    expect(Math.round(pngDpi(res.body)!.x)).toBe(150);
  });

  it("SVG and PDF: the commune's name with its diacritics", async () => {
    const svg = await fetchBytes(svc, `/api/v1/communes/${DONG_KINH}/poster?format=svg`, key);
    expect(svg.status).toBe(200);
    expect(svg.type).toMatch(/^image\/svg\+xml/);
    expect(svg.body.toString("utf8")).toContain(">Phường Đông Kinh</text>");
    const pdf = await fetchBytes(svc, `/api/v1/communes/${DONG_KINH}/poster?format=pdf`, key);
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe("application/pdf");
    expect(pdf.disposition).toContain(`gopy-poster-${DONG_KINH}.pdf`);
    const pages = await pdfPagesText(pdf.body);
    expect(pages).toHaveLength(1);
    expect(pages[0]).toContain("Phường Đông Kinh");
    expect(pages[0]).toContain("Xã Mai Pha");
  });

  it("all communes: one page per commune, each with its own name", async () => {
    const communes = await listCommunes(svc.database.db);
    expect(communes).toHaveLength(65);
    const res = await fetchBytes(svc, "/api/v1/communes/posters?format=pdf", key);
    expect(res.status).toBe(200);
    expect(res.type).toBe("application/pdf");
    expect(res.disposition).toMatch(/^attachment; filename="?gopy-posters.pdf"?$/);
    const pages = await pdfPagesText(res.body);
    expect(pages).toHaveLength(65);
    communes.forEach((c, i) => expect(pages[i], c.code).toContain(c.name.normalize("NFC")));
  });

  it("refuses: 400 naming format, 404 unknown commune, 401 without a key", async () => {
    for (const path of [`/api/v1/communes/${DONG_KINH}/poster?format=jpg`, "/api/v1/communes/posters?format=png"]) {
      const res = await svc.api("GET", path, { key });
      expect(res.status, path).toBe(400);
      expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(["format"]);
    }
    const unknown = await svc.api("GET", "/api/v1/communes/99999/poster?format=png", { key });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ status: 404, title: "Not found" });
    expect((await svc.api("GET", `/api/v1/communes/${DONG_KINH}/poster`)).status).toBe(401);
    expect((await svc.api("GET", "/api/v1/communes/posters")).status).toBe(401);
  });

  it("is described in the OpenAPI document: both paths, the format parameter, the 409", async () => {
    const doc = (await svc.api("GET", "/openapi.json")).body;
    const one = doc.paths["/api/v1/communes/{code}/poster"].get;
    expect(one.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(["path:code", "query:format"]);
    expect(one.parameters[1].schema.enum).toEqual(["pdf", "png", "svg"]);
    expect(Object.keys(one.responses)).toEqual(["200", "400", "401", "404", "409"]);
    expect(doc.paths["/api/v1/communes/posters"].get.responses["200"].content).toHaveProperty("application/pdf");
  });

  it("409 naming the variables to set when no channel has a link", async () => {
    const bareKey = await bare.createKey("drafter", "Sở Tư pháp");
    for (const path of [`/api/v1/communes/${DONG_KINH}/poster?format=png`, "/api/v1/communes/posters"]) {
      const res = await bare.api("GET", path, { key: bareKey });
      expect(res.status, path).toBe(409);
      expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(["TELEGRAM_BOT_USERNAME", "ZALO_OA_ID", "ZALO_BOT_LINK"]);
      expect(res.body.detail).toContain("TELEGRAM_BOT_USERNAME");
    }
  });
});
