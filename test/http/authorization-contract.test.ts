import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { comments } from "../../src/db/schema/index.js";
import { draftBody } from "../support/drafts.js";
import { seedFeedback } from "../support/feedback-seed.js";
import { startTestService, type TestService } from "../support/service.js";

/**
 * Authorization from the contract: every operation of the OpenAPI document is called with each role, with
 * a key of another agency and with no key, and the answer is checked against this table. An operation
 * missing from the table fails the suite: a new route must say who may call it.
 *
 * "allowed" means the request passed authorization: any answer but 401, 403, 404 or a 5xx (a 409 for
 * publishing twice, say, is allowed: the caller was let in). Another agency's row is always 404.
 */
type Who = "admin" | "drafter" | "viewer" | "otherAgency" | "none";
type Outcome = "allowed" | 401 | 403 | 404;
interface Rule {
  /** Which row the {id} of the path is. */
  id?: "draft" | "comment" | "broadcast";
  /** The commune code for a {code} in the path. */
  code?: string;
  query?: string;
  body?: unknown;
  expect: Record<Who, Outcome>;
}

const READ_ANY: Record<Who, Outcome> = { admin: "allowed", drafter: "allowed", viewer: "allowed", otherAgency: "allowed", none: 401 };
const READ_OWN: Record<Who, Outcome> = { admin: "allowed", drafter: "allowed", viewer: "allowed", otherAgency: 404, none: 401 };
const WRITE_OWN: Record<Who, Outcome> = { admin: "allowed", drafter: "allowed", viewer: 403, otherAgency: 404, none: 401 };
const ADMIN_ONLY: Record<Who, Outcome> = { admin: "allowed", drafter: 403, viewer: 403, otherAgency: 403, none: 401 };

const AGENCY = "Sở Tư pháp";

const CONTRACT: Record<string, Rule> = {
  "POST /api/v1/drafts": { body: draftBody(AGENCY), expect: { admin: "allowed", drafter: "allowed", viewer: 403, otherAgency: 403, none: 401 } },
  "GET /api/v1/drafts": { expect: READ_ANY },
  "GET /api/v1/drafts/{id}": { id: "draft", expect: READ_OWN },
  "PATCH /api/v1/drafts/{id}": { id: "draft", body: { title: "Dự thảo Nghị quyết (sửa)" }, expect: WRITE_OWN },
  "POST /api/v1/drafts/{id}/publish": { id: "draft", expect: WRITE_OWN },
  "POST /api/v1/drafts/{id}/close": { id: "draft", body: { reason: "Kiểm tra quyền" }, expect: ADMIN_ONLY },
  "GET /api/v1/drafts/{id}/stats": { id: "draft", expect: READ_OWN },
  "GET /api/v1/drafts/{id}/feedback": { id: "draft", expect: READ_OWN },
  "GET /api/v1/drafts/{id}/broadcasts": { id: "draft", expect: READ_OWN },
  "GET /api/v1/broadcasts/{id}": { id: "broadcast", expect: READ_OWN },
  "PATCH /api/v1/comments/{id}": { id: "comment", body: { moderation: "flagged" }, expect: WRITE_OWN },
  "POST /api/v1/invites": { body: { role: "propagandist", communes: ["05977"] }, expect: { admin: "allowed", drafter: "allowed", viewer: 403, otherAgency: "allowed", none: 401 } },
  "GET /api/v1/communes": { query: "?q=dong%20kinh", expect: READ_ANY },
  "GET /api/v1/audit": { expect: ADMIN_ONLY },
  "GET /api/v1/communes/{code}/poster": { code: "05977", query: "?format=svg", expect: READ_ANY },
  "GET /api/v1/communes/posters": { query: "?format=pdf", expect: READ_ANY },
  "GET /api/v1/drafts/{id}/relays": { id: "draft", expect: READ_OWN },
  "GET /api/v1/reports/annual": { query: "?year=2026&format=json", expect: READ_ANY },
  "GET /api/v1/drafts/{id}/offline-feedback": { id: "draft", expect: READ_OWN },
  "POST /api/v1/drafts/{id}/offline-feedback": { id: "draft", body: {}, expect: WRITE_OWN },
  "POST /api/v1/drafts/{id}/outcome": { id: "draft", body: { text: "Đã tiếp thu ý kiến về mức phí." }, expect: WRITE_OWN },
};

describe("authorization follows the contract (every operation of /openapi.json)", () => {
  let svc: TestService;
  const keys = {} as Record<Exclude<Who, "none">, string>;
  const ids = {} as Record<"draft" | "comment" | "broadcast", string>;
  let operations: { method: string; path: string; key: string }[] = [];

  beforeAll(async () => {
    svc = await startTestService("pglite");
    keys.admin = await svc.createKey("admin");
    keys.drafter = await svc.createKey("drafter", AGENCY);
    keys.viewer = await svc.createKey("viewer", AGENCY);
    keys.otherAgency = await svc.createKey("drafter", "Sở Xây dựng");
    const seed = await seedFeedback(svc.database.db);
    const [c] = await svc.database.db.select().from(comments).where(eq(comments.draftId, seed.draft.id)).limit(1);
    ids.comment = c!.id;
    const created = await svc.api("POST", "/api/v1/drafts", { key: keys.admin, body: draftBody(AGENCY) });
    ids.draft = created.body.id as string;
    const other = await svc.api("POST", "/api/v1/drafts", { key: keys.admin, body: draftBody(AGENCY) });
    await svc.api("POST", `/api/v1/drafts/${other.body.id as string}/publish`, { key: keys.admin });
    const list = await svc.api("GET", `/api/v1/drafts/${other.body.id as string}/broadcasts`, { key: keys.admin });
    ids.broadcast = (list.body.items as { id: string }[])[0]!.id;
    const doc = (await svc.api("GET", "/openapi.json")).body as { paths: Record<string, Record<string, unknown>> };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path, key: `${method.toUpperCase()} ${path}` })),
    );
  });
  afterAll(async () => {
    await svc.stop();
  });

  it("every operation in the OpenAPI document has a rule in the table, and every rule an operation", () => {
    const documented = operations.map((o) => o.key).sort();
    expect(documented.filter((k) => !(k in CONTRACT)), "operations without an authorization rule").toEqual([]);
    expect(Object.keys(CONTRACT).filter((k) => !documented.includes(k)), "rules for no operation").toEqual([]);
  });

  it("each role, another agency's key and no key get the outcome the table says, on every operation", async () => {
    const who: Who[] = ["otherAgency", "viewer", "none", "drafter", "admin"];
    const mismatches: string[] = [];
    for (const op of operations) {
      const rule = CONTRACT[op.key];
      if (!rule) continue;
      for (const w of who) {
        const path = (rule.id ? op.path.replace("{id}", ids[rule.id]) : op.path).replace("{code}", rule.code ?? "") + (rule.query ?? "");
        const res = await svc.api(op.method, path, { key: w === "none" ? undefined : keys[w], body: rule.body });
        const expected = rule.expect[w];
        const got = [401, 403, 404].includes(res.status) ? res.status : res.status >= 500 ? "5xx" : "allowed";
        if (got !== expected) mismatches.push(`${op.key} as ${w}: expected ${expected}, got ${res.status} ${res.text.slice(0, 120)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
