import { copyFile, mkdir } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import ExcelJS from "exceljs";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { comments } from "../../src/db/schema/index.js";
import { databaseKinds } from "../support/database.js";
import { startTestService, type TestService } from "../support/service.js";
import { createOfficer, PASSWORD } from "./support.js";

const SHOTS = "build/screenshots";
const DOCS_SHOTS = "docs/screenshots";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

interface Reply {
  text: string;
  buttons: { label: string; action: string }[];
}

/** "YYYY-MM-DDTHH:mm" at +07:00 (the service's TZ_NAME, Asia/Ho_Chi_Minh), as a datetime-local field takes it. */
const localVn = (days: number) => new Date(Date.now() + days * 86_400_000 + 7 * 3_600_000).toISOString().slice(0, 16);

describe.each(databaseKinds)("the officers' console in Chromium on %s", (kind) => {
  let svc: TestService;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Uncaught script errors on the console's pages. */
  const pageErrors: string[] = [];

  beforeAll(async () => {
    svc = await startTestService(kind);
    await createOfficer(svc, "admin", "admin");
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
    context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 }, locale: "vi-VN" });
    page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await mkdir(SHOTS, { recursive: true });
    await mkdir(DOCS_SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await svc?.stop();
  });

  const shot = async (name: string, docs = false) => {
    const file = `${SHOTS}/${kind}-${name}.png`;
    await page.screenshot({ path: file, fullPage: true });
    if (docs && kind === "pglite") await copyFile(file, `${DOCS_SHOTS}/${name}.png`);
  };
  async function sim(body: Record<string, unknown>): Promise<Reply[]> {
    const res = await svc.api("POST", "/sim/messages", { body });
    expect(res.status, res.text).toBe(200);
    return res.body.replies as Reply[];
  }
  async function inbox(userId: string): Promise<(Reply & { kind: string })[]> {
    const res = await svc.api("GET", `/sim/inbox/${userId}`);
    return res.body.messages as (Reply & { kind: string })[];
  }

  it("an officer logs in, writes a draft, is refused a 20-day period beside the field, fixes it, publishes, and follows it to the XLSX", { timeout: 240_000 }, async () => {
    // A resident of Phường Đông Kinh subscribes through the simulator (found by a former name, without diacritics).
    await sim({ userId: "lan", text: "/start" });
    const [confirm] = await sim({ userId: "lan", text: "mai pha" });
    const [consent] = await sim({ userId: "lan", action: confirm!.buttons[0]!.action });
    await sim({ userId: "lan", action: consent!.buttons.find((b) => b.label === "Đồng ý")!.action });

    await page.goto(`${svc.url}/console`);
    await expect.poll(() => page.url()).toContain("/console/login");
    await shot("login");
    await page.getByLabel("Tên đăng nhập").fill("admin");
    await page.getByLabel("Mật khẩu").fill(PASSWORD);
    await page.getByRole("button", { name: "Đăng nhập" }).click();
    await page.waitForURL(/\/console\/drafts$/);

    await page.getByRole("link", { name: "Dự thảo mới" }).click();
    await page.waitForURL(/\/console\/drafts\/new$/);
    await page.getByLabel("Tên dự thảo").fill("Dự thảo Nghị quyết về phí tham quan Động Tam Thanh");
    await page.getByLabel("Cơ quan chủ trì soạn thảo").fill("Sở Văn hoá, Thể thao và Du lịch");
    await page.getByLabel("Đường dẫn toàn văn dự thảo").fill("https://langson.gov.vn/du-thao/phi-tam-thanh.pdf");
    for (const c of ["a)", "b)", "c)", "d)"]) await page.getByLabel(new RegExp(`^${c.replace(")", "\\)")} `)).first().check();
    await page.locator("[id='summary.necessity']").fill("Cần thống nhất mức thu phí tại các điểm du lịch.");
    await page.locator("[id='summary.mainContent']").fill("Quy định mức thu 20.000 đồng/lượt; miễn cho trẻ em.");
    await page.locator("[id='summary.rightsChanges']").fill("Khách tham quan phải nộp phí.");
    await page.getByLabel("Bắt đầu").fill(localVn(-1 / 24));
    await page.getByLabel("Kết thúc").fill(localVn(20));
    await page.getByLabel(/Tìm xã\/phường/).fill("dong kinh");
    await page.locator("#commune-results button.pick[data-code='05977']").click();
    await expect.poll(() => page.locator("#commune-chosen").textContent()).toContain("05977");
    await page.getByLabel("Nội dung câu hỏi").fill("Bạn có đồng ý với mức thu 20.000 đồng?");
    await page.getByLabel(/Các phương án trả lời/).fill("Đồng ý\nKhông đồng ý");
    await page.getByLabel("Cho phép góp ý thêm bằng lời").check();
    // The live preview is the broadcast's own text.
    await expect.poll(() => page.locator("#preview").textContent()).toContain("📢 Lấy ý kiến dự thảo: Dự thảo Nghị quyết về phí tham quan Động Tam Thanh");
    await expect.poll(() => page.locator("#preview").textContent()).toContain("Quy định mức thu 20.000 đồng/lượt");
    await shot("draft-form", true);

    await page.getByRole("button", { name: "Lưu và công bố" }).click();
    const closesError = page.locator("#err-commentClosesAt");
    await expect.poll(() => closesError.textContent()).toContain("at least 30 are required");
    expect(await page.getByLabel("Kết thúc").getAttribute("aria-invalid")).toBe("true");
    await shot("draft-form-refused", true);

    await page.getByLabel("Kết thúc").fill(localVn(40));
    await page.getByRole("button", { name: "Lưu và công bố" }).click();
    await page.waitForURL(/\/console\/drafts\/[0-9a-f-]{36}$/);
    const draftId = page.url().split("/").pop()!;
    expect(await page.locator("#draft-status").textContent()).toBe("Đang lấy ý kiến");

    // The progress bar reaches 100 % by itself (the page polls the broadcasts).
    const bar = page.locator("progress[data-kind='announcement'][data-channel='sim']");
    await expect.poll(() => bar.getAttribute("data-percent"), { timeout: 30_000 }).toBe("100");

    // A chart changes after the resident answers.
    const firstChoice = () => page.evaluate("echarts.getInstanceByDom(document.getElementById('q-chart-0')).getOption().series[0].data");
    await expect.poll(firstChoice).toEqual([0, 0]);
    await shot("draft-page-before");
    await expect.poll(async () => (await inbox("lan")).some((m) => m.kind === "announcement"), { timeout: 30_000 }).toBe(true);
    const announcement = (await inbox("lan")).find((m) => m.kind === "announcement")!;
    const [question] = await sim({ userId: "lan", action: announcement.buttons.find((b) => b.label === "Góp ý")!.action });
    const agree = question!.buttons.find((b) => b.label.includes("Đồng ý"));
    expect(agree, JSON.stringify(question)).toBeDefined();
    await sim({ userId: "lan", action: agree!.action });
    await sim({ userId: "lan", text: "Nên miễn phí cho người cao tuổi, đồ ngốc" });
    await expect.poll(firstChoice, { timeout: 30_000 }).toEqual([1, 0]);
    await expect.poll(() => page.locator("#participation table").textContent()).toContain("Phường Đông Kinh");

    // Hide the comment, with a reason.
    const comment = page.locator("#comments article.comment").first();
    await expect.poll(() => comment.getAttribute("data-moderation"), { timeout: 30_000 }).toBe("visible");
    await comment.getByLabel("Lý do ẩn").fill("Lời lẽ xúc phạm");
    await comment.getByRole("button", { name: "Ẩn" }).click();
    await expect.poll(() => page.locator("#comments article.comment").first().getAttribute("data-moderation")).toBe("hidden");
    const [stored] = await svc.database.db.select().from(comments).where(eq(comments.draftId, draftId));
    expect(stored!.moderation).toBe("hidden");
    expect(stored!.moderationReason).toBe("Lời lẽ xúc phạm");
    await expect.poll(() => page.locator("#comments article.comment").first().textContent()).toContain("Lời lẽ xúc phạm");
    await shot("draft-page", true);

    // The XLSX export, downloaded by the browser, opens with exceljs.
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#export-xlsx").click()]);
    const file = `${SHOTS}/${kind}-feedback.xlsx`;
    await download.saveAs(file);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    const cells = book.worksheets.flatMap((ws) => ws.getSheetValues().flat().map((v) => (typeof v === "string" || typeof v === "number" ? String(v) : "")));
    expect(cells).toContain("Đồng ý");
    expect(cells.some((c) => c.includes("miễn phí cho người cao tuổi"))).toBe(true);

    // The other pages, and the draft page on a phone.
    await page.goto(`${svc.url}/console/drafts`);
    expect(await page.locator("#drafts").textContent()).toContain("Dự thảo Nghị quyết về phí tham quan Động Tam Thanh");
    await shot("drafts", true);
    await page.goto(`${svc.url}/console/communes`);
    await shot("communes");
    await page.goto(`${svc.url}/console/audit`);
    expect(await page.locator("#audit").textContent()).toContain("draft.publish");
    await shot("audit");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${svc.url}/console/drafts/${draftId}`);
    await expect.poll(() => bar.getAttribute("data-percent")).toBe("100");
    await shot("draft-page-phone", true);
    await page.getByRole("link", { name: "English" }).click();
    await expect.poll(() => page.locator("h2#bc-title").textContent()).toBe("Broadcast progress");
    // No script failed on any page (the API's refusals are answers, not script errors).
    expect(pageErrors).toEqual([]);
  });
});
