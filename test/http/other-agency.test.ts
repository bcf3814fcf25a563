import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { comments } from "../../src/db/schema/index.js";
import { databaseKinds } from "../support/database.js";
import { draftBody } from "../support/drafts.js";
import { seedFeedback } from "../support/feedback-seed.js";
import { useApiService } from "../support/lifecycle.js";

/**
 * Another agency's draft, comment or broadcast is answered exactly as an id that does not exist: 404 with
 * the same text, so a key cannot learn that it exists. A malformed id is a 404 too, on every route.
 */
describe.each(databaseKinds)("another agency's rows are not found on %s", (kind) => {
  const { svc, keys } = useApiService(kind, { admin: ["admin"], stranger: ["drafter", "Sở Xây dựng"], strangerViewer: ["viewer", "Sở Xây dựng"] });
  let draftId: string;
  let commentId: string;
  let broadcastId: string;
  const MISSING = "00000000-0000-4000-8000-000000000000";

  beforeAll(async () => {
    const seed = await seedFeedback(svc.database.db);
    const [c] = await svc.database.db.select().from(comments).where(eq(comments.draftId, seed.draft.id)).limit(1);
    commentId = c!.id;
    const created = await svc.api("POST", "/api/v1/drafts", { key: keys.admin, body: draftBody("Sở Tư pháp") });
    draftId = created.body.id as string;
    const published = await svc.api("POST", `/api/v1/drafts/${draftId}/publish`, { key: keys.admin });
    expect(published.status, published.text).toBe(200);
    const list = await svc.api("GET", `/api/v1/drafts/${draftId}/broadcasts`, { key: keys.admin });
    broadcastId = (list.body.items as { id: string }[])[0]!.id;
  });

  const routes = (id: () => string, kind: "draft" | "comment" | "broadcast") => {
    if (kind === "comment") return [{ method: "PATCH", path: () => `/api/v1/comments/${id()}`, body: { moderation: "flagged" } }];
    if (kind === "broadcast") return [{ method: "GET", path: () => `/api/v1/broadcasts/${id()}` }];
    return [
      { method: "GET", path: () => `/api/v1/drafts/${id()}` },
      { method: "PATCH", path: () => `/api/v1/drafts/${id()}`, body: { title: "Tiêu đề khác" } },
      { method: "POST", path: () => `/api/v1/drafts/${id()}/publish` },
      { method: "GET", path: () => `/api/v1/drafts/${id()}/stats` },
      { method: "GET", path: () => `/api/v1/drafts/${id()}/feedback` },
      { method: "GET", path: () => `/api/v1/drafts/${id()}/broadcasts` },
    ];
  };

  it.each([
    ["draft", () => draftId],
    ["comment", () => commentId],
    ["broadcast", () => broadcastId],
  ] as const)("another agency's %s: the same 404 as an unknown id, on every route", async (entity, ownId) => {
    for (const r of routes(ownId, entity)) {
      const key = r.method === "GET" ? keys.strangerViewer : keys.stranger;
      const theirs = await svc.api(r.method, r.path(), { key, body: r.body });
      expect(theirs.status, `${r.method} ${r.path()} ${theirs.text}`).toBe(404);
      const missing = await svc.api(r.method, r.path().replace(ownId(), MISSING), { key, body: r.body });
      expect(missing.status, `${r.method} ${r.path()}`).toBe(404);
      expect(theirs.body.detail.replace(ownId(), "ID")).toBe(missing.body.detail.replace(MISSING, "ID"));
      const malformed = await svc.api(r.method, r.path().replace(ownId(), "not-a-uuid"), { key, body: r.body });
      expect(malformed.status, `${r.method} ${r.path()} malformed`).toBe(404);
      expect(malformed.body.detail.replace("not-a-uuid", "ID")).toBe(missing.body.detail.replace(MISSING, "ID"));
    }
  });
});
