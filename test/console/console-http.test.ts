import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { queryRows } from "../../src/db/client.js";
import { consoleAccounts, consoleSessions, drafts } from "../../src/db/schema/index.js";
import { databaseKinds } from "../support/database.js";
import { draftBody, rowCounts } from "../support/drafts.js";
import { startTestService, type TestService } from "../support/service.js";
import { createOfficer, logInHttp, PASSWORD } from "./support.js";

describe.each(databaseKinds)("the officers' console over HTTP on %s", (kind) => {
  let svc: TestService;
  let otherDraftId: string;
  beforeAll(async () => {
    svc = await startTestService(kind, { CONSOLE_LOCKOUT_FAILURES: "3", CONSOLE_LOCKOUT_MINUTES: "15", CONSOLE_SESSION_IDLE_MINUTES: "30" });
    await createOfficer(svc, "admin", "admin");
    await createOfficer(svc, "tuphap", "drafter", "Sở Tư pháp");
    await createOfficer(svc, "khoa", "drafter", "Sở Y tế");
    const key = await svc.createKey("admin");
    const res = await svc.api("POST", "/api/v1/drafts", { key, body: draftBody("Sở Nông nghiệp và Môi trường") });
    expect(res.status, res.text).toBe(201);
    otherDraftId = res.body.id;
  });
  afterAll(async () => {
    await svc.stop();
  });

  const audit = (action: string) =>
    queryRows<{ actor: string; details: Record<string, unknown> }>(svc.database.db, sql`select actor, details from audit_log where action = ${action} order by id`);

  it("pages need a login; a good password opens a session with an httpOnly, SameSite=Strict cookie", async () => {
    const anon = await fetch(`${svc.url}/console/drafts`, { redirect: "manual" });
    expect(anon.status).toBe(303);
    expect(anon.headers.get("location")).toBe("/console/login?next=%2Fconsole%2Fdrafts");
    const s = await logInHttp(svc, "admin");
    expect(s.status).toBe(303);
    expect(s.setCookie).toMatch(/HttpOnly/i);
    expect(s.setCookie).toMatch(/SameSite=Strict/i);
    expect(s.setCookie).not.toMatch(/Secure/i);
    expect(s.csrf.length).toBeGreaterThan(20);
    // Only a hash of the session id is stored.
    const value = s.cookie.split("=")[1]!;
    const rows = await svc.database.db.select().from(consoleSessions);
    expect(rows.some((r) => r.idHash === value)).toBe(false);
    expect((await audit("console.login")).map((a) => a.actor)).toContain("officer:admin");
    // The login form has its own CSRF token: a login posted from elsewhere is refused before any check.
    const forged = await fetch(`${svc.url}/console/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ login: "admin", password: PASSWORD }),
    });
    expect(forged.status).toBe(403);
    expect(forged.headers.get("set-cookie") ?? "").not.toContain("gopy_session");
  });

  it("a wrong password is refused on the login page and audited; the third failure locks the login, even for the right password", async () => {
    const wrong = await logInHttp(svc, "khoa", "sai-mat-khau-roi");
    expect(wrong.status).toBe(401);
    expect(wrong.cookie).toBe("");
    expect(wrong.body).toContain("Tên đăng nhập hoặc mật khẩu không đúng.");
    await logInHttp(svc, "khoa", "sai-mat-khau-roi");
    const third = await logInHttp(svc, "khoa", "sai-mat-khau-roi");
    expect(third.status).toBe(429);
    expect(third.body).toContain("Tài khoản tạm khoá");
    const right = await logInHttp(svc, "khoa", PASSWORD);
    expect(right.status).toBe(429);
    expect(right.cookie).toBe("");
    const failed = (await audit("console.login_failed")).filter((a) => a.actor === "officer:khoa");
    expect(failed.map((a) => a.details.reason)).toEqual(["wrong password", "wrong password", "wrong password", "locked"]);
    expect(JSON.stringify(failed)).not.toContain("sai-mat-khau");
    // An unknown login answers the same as a wrong password.
    const unknown = await logInHttp(svc, "ai-do", PASSWORD);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toContain("Tên đăng nhập hoặc mật khẩu không đúng.");
  });

  it("an expired session sends the officer back to the login page and no longer reaches the API", async () => {
    const s = await logInHttp(svc, "tuphap");
    const [account] = await svc.database.db.select().from(consoleAccounts).where(eq(consoleAccounts.login, "tuphap"));
    await svc.database.db.update(consoleSessions).set({ lastSeenAt: new Date(Date.now() - 31 * 60_000) }).where(eq(consoleSessions.accountId, account!.id));
    const page = await fetch(`${svc.url}/console/drafts`, { headers: { cookie: s.cookie }, redirect: "manual" });
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toContain("expired=1");
    const login = await fetch(`${svc.url}${page.headers.get("location")}`, { headers: { cookie: s.cookie } });
    expect(await login.text()).toContain("Phiên làm việc đã hết hạn");
    const api = await svc.api("GET", "/api/v1/drafts", { headers: { cookie: s.cookie } });
    expect(api.status).toBe(401);
    // A session in use all the time still ends CONSOLE_SESSION_MAX_HOURS after login.
    const busy = await logInHttp(svc, "tuphap");
    await svc.database.db.update(consoleSessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(consoleSessions.accountId, account!.id));
    const late = await fetch(`${svc.url}/console/drafts`, { headers: { cookie: busy.cookie }, redirect: "manual" });
    expect(late.status).toBe(303);
    expect(late.headers.get("location")).toContain("expired=1");
  });

  it("a change made with the session cookie needs the session's CSRF token: missing or wrong → 403, nothing written", async () => {
    const s = await logInHttp(svc, "tuphap");
    const before = await rowCounts(svc.database.db);
    const body = JSON.stringify(draftBody("Sở Tư pháp"));
    const headers = { cookie: s.cookie, "content-type": "application/json" };
    const missing = await svc.api("POST", "/api/v1/drafts", { rawBody: body, headers });
    expect(missing.status).toBe(403);
    expect(missing.body.errors).toEqual([{ field: "X-CSRF-Token", message: "missing CSRF token" }]);
    const wrong = await svc.api("POST", "/api/v1/drafts", { rawBody: body, headers: { ...headers, "x-csrf-token": s.csrf.slice(1) + "x" } });
    expect(wrong.status).toBe(403);
    expect(wrong.body.errors).toEqual([{ field: "X-CSRF-Token", message: "wrong CSRF token" }]);
    expect(await rowCounts(svc.database.db)).toEqual(before);
    // A console form without its token: the refusal page, no account made.
    const form = await fetch(`${svc.url}/console/officers`, {
      method: "POST",
      headers: { cookie: (await logInHttp(svc, "admin")).cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ name: "Kẻ lạ", login: "kela", role: "admin" }),
    });
    expect(form.status).toBe(403);
    expect(await form.text()).toContain("Trang đã cũ");
    expect(await svc.database.db.select().from(consoleAccounts).where(eq(consoleAccounts.login, "kela"))).toEqual([]);
    // With the token, the same request is the API's own: the draft is created for the officer's agency.
    const ok = await svc.api("POST", "/api/v1/drafts", { rawBody: body, headers: { ...headers, "x-csrf-token": s.csrf } });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body.createdBy).toBe("officer:tuphap");
  });

  it("a drafter opening another agency's draft gets the not-found page (as for an unknown draft: no hint that it exists), and cannot change it through the API", async () => {
    const s = await logInHttp(svc, "tuphap");
    const [before] = await svc.database.db.select().from(drafts).where(eq(drafts.id, otherDraftId));
    const page = await fetch(`${svc.url}/console/drafts/${otherDraftId}`, { headers: { cookie: s.cookie } });
    expect(page.status).toBe(404);
    const html = await page.text();
    expect(html).toContain("Không tìm thấy nội dung này.");
    expect(html).not.toContain(before!.title);
    const edit = await fetch(`${svc.url}/console/drafts/${otherDraftId}/edit`, { headers: { cookie: s.cookie } });
    expect(edit.status).toBe(404);
    const patch = await svc.api("PATCH", `/api/v1/drafts/${otherDraftId}`, {
      body: { title: "Đổi tên" },
      headers: { cookie: s.cookie, "x-csrf-token": s.csrf },
    });
    expect(patch.status).toBe(404);
    const [after] = await svc.database.db.select().from(drafts).where(eq(drafts.id, otherDraftId));
    expect(after).toEqual(before);
    const missing = await fetch(`${svc.url}/console/drafts/00000000-0000-4000-8000-000000000000`, { headers: { cookie: s.cookie } });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("Không tìm thấy nội dung này.");
    // The drafts list shows only the officer's agency.
    const list = await (await fetch(`${svc.url}/console/drafts`, { headers: { cookie: s.cookie } })).text();
    expect(list).not.toContain(otherDraftId);
  });

  it("a viewer or drafter cannot reach the admins' pages; an admin disables an officer, which ends their sessions", async () => {
    const drafter = await logInHttp(svc, "tuphap");
    const refused = await fetch(`${svc.url}/console/audit`, { headers: { cookie: drafter.cookie } });
    expect(refused.status).toBe(403);
    const admin = await logInHttp(svc, "admin");
    const create = (fields: Record<string, string>) =>
      fetch(`${svc.url}/console/officers`, {
        method: "POST",
        headers: { cookie: admin.cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: admin.csrf, ...fields }),
      });
    const bad = await create({ name: "Lê Văn C", login: "Lê C", role: "drafter", agency: "" });
    expect(bad.status).toBe(400);
    const badPage = await bad.text();
    expect(badPage).toContain("2 to 64 letters");
    expect(badPage).toContain("a drafter or viewer belongs to one agency");
    expect(await svc.database.db.select().from(consoleAccounts).where(eq(consoleAccounts.login, "lê c"))).toEqual([]);
    const made = await create({ name: "Lê Văn C", login: "levanc", role: "viewer", agency: "Sở Tư pháp" });
    expect(made.status).toBe(200);
    const password = /Mật khẩu dùng một lần \(chỉ hiện lần này\): ([A-Za-z0-9_-]{16})/.exec(await made.text())?.[1];
    expect(password).toBeDefined();
    expect((await logInHttp(svc, "levanc", password)).status).toBe(303);
    expect((await audit("officer.create")).map((a) => a.actor)).toContain("officer:admin");
    const [account] = await svc.database.db.select().from(consoleAccounts).where(eq(consoleAccounts.login, "tuphap"));
    const res = await fetch(`${svc.url}/console/officers/${account!.id}/disable`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: admin.cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: admin.csrf }),
    });
    expect(res.status).toBe(303);
    const after = await fetch(`${svc.url}/console/drafts`, { headers: { cookie: drafter.cookie }, redirect: "manual" });
    expect(after.status).toBe(303);
    expect((await logInHttp(svc, "tuphap")).status).toBe(401);
    const log = await (await fetch(`${svc.url}/console/audit`, { headers: { cookie: admin.cookie } })).text();
    expect(log).toContain("officer.disable");
  });
});
