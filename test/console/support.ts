import { createOfficerAccount } from "../../src/domain/officers/accounts.js";
import type { ApiRole } from "../../src/db/schema/index.js";
import type { TestService } from "../support/service.js";
import { watchSecret } from "../support/log-watch.js";

export const PASSWORD = "mật-khẩu-đủ-dài-123";

/** An officer account with a known password. */
export async function createOfficer(svc: TestService, login: string, role: ApiRole, agency?: string) {
  watchSecret(PASSWORD);
  return createOfficerAccount(svc.database.db, { name: `Cán bộ ${login}`, login, role, agency, password: PASSWORD }, "test");
}

/** Log in through the form; returns the Cookie header value and the page's CSRF token. */
export async function logInHttp(svc: TestService, login: string, password = PASSWORD) {
  const form = await fetch(`${svc.url}/console/login`);
  const loginCookie = /gopy_login=[^;]+/.exec(form.headers.get("set-cookie") ?? "")?.[0] ?? "";
  const token = /name="_csrf" value="([^"]*)"/.exec(await form.text())?.[1] ?? "";
  const res = await fetch(`${svc.url}/console/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: loginCookie },
    body: new URLSearchParams({ login, password, next: "/console/drafts", _csrf: token }),
  });
  const setCookie = res.headers.get("set-cookie") ?? "";
  const cookie = /gopy_session=[^;]+/.exec(setCookie)?.[0] ?? "";
  // The session (the part after "gopy_session=") and the password must never reach the log.
  watchSecret(cookie.slice("gopy_session=".length));
  watchSecret(password);
  const page = cookie ? await fetch(`${svc.url}/console/drafts`, { headers: { cookie } }) : null;
  const html = page ? await page.text() : "";
  const csrf = /<meta name="csrf-token" content="([^"]*)"/.exec(html)?.[1] ?? "";
  return { status: res.status, location: res.headers.get("location"), setCookie, cookie, csrf, body: cookie ? "" : await res.text() };
}
