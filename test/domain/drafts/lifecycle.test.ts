import { describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { databaseKinds } from "../../support/database.js";
import { draftBody, inDays, isoVn } from "../../support/drafts.js";
import { queryRows, type DbOrTx } from "../../../src/db/client.js";
import { broadcasts, drafts } from "../../../src/db/schema/index.js";
import type { Broadcaster } from "../../../src/delivery/broadcaster.js";
import { createDraft } from "../../../src/domain/drafts/create.js";
import { publishDraft } from "../../../src/domain/drafts/publish.js";
import { updateDraft } from "../../../src/domain/drafts/update.js";
import { closeDraft } from "../../../src/domain/drafts/close.js";
import { createDraftBody, patchDraftBody } from "../../../src/domain/drafts/schemas.js";
import type { Actor, DraftDeps } from "../../../src/domain/drafts/types.js";
import type { AppError } from "../../../src/errors.js";
import { useTestDatabase } from "../../support/lifecycle.js";

/** A broadcaster that writes a broadcasts row through the caller's transaction and counts calls. */
function recordingBroadcaster(opts: { failPublish?: boolean } = {}) {
  const calls: string[] = [];
  let kicks = 0;
  const write = async (tx: DbOrTx, draftId: string, actor: string, kind: "announcement" | "extension" | "correction") => {
    const [row] = await tx.insert(broadcasts).values({ draftId, kind, createdBy: actor }).returning({ id: broadcasts.id });
    return { broadcastId: row!.id, recipients: 0 };
  };
  const b: Broadcaster = {
    async draftPublished(tx, id, actor) {
      calls.push(`published ${id}`);
      const ref = await write(tx, id, actor, "announcement");
      if (opts.failPublish) throw new Error("enqueue failed");
      return ref;
    },
    draftExtended: (tx, id, actor) => (calls.push(`extended ${id}`), write(tx, id, actor, "extension")),
    draftCorrected: (tx, id, actor, note) => (calls.push(`corrected ${id} ${note}`), write(tx, id, actor, "correction")),
    kick: () => void kicks++,
  };
  return { b, calls, kicks: () => kicks };
}

const admin: Actor = { label: "test-admin", role: "admin", agencyId: null };

describe.each(databaseKinds)("draft lifecycle (domain) on %s", (kind) => {
  const database = useTestDatabase(kind);

  const deps = (b: Broadcaster, now?: Date): DraftDeps => ({ db: database.db, broadcaster: b, minCommentDays: 30, ...(now ? { now: () => now } : {}) });
  const newDraft = (b: Broadcaster, overrides: Record<string, unknown> = {}) =>
    createDraft(deps(b), admin, createDraftBody.parse(draftBody("Sở Y tế", overrides)));
  const broadcastKinds = async (draftId: string) =>
    (await database.db.select({ kind: broadcasts.kind }).from(broadcasts).where(eq(broadcasts.draftId, draftId))).map((r) => r.kind);

  it("publishing calls the broadcaster once, inside the transaction, and kicks the sender after commit", async () => {
    const rec = recordingBroadcaster();
    const d = await newDraft(rec.b);
    const view = await publishDraft(deps(rec.b), admin, d.id, {});
    expect(view.status).toBe("open");
    expect(rec.calls).toEqual([`published ${d.id}`]);
    expect(rec.kicks()).toBe(1);
    expect(await broadcastKinds(d.id)).toEqual(["announcement"]);
  });

  it("when the broadcaster fails, the draft is not published and nothing is enqueued", async () => {
    const rec = recordingBroadcaster({ failPublish: true });
    const d = await newDraft(rec.b);
    await expect(publishDraft(deps(rec.b), admin, d.id, {})).rejects.toThrow("enqueue failed");
    const [row] = await database.db.select().from(drafts).where(eq(drafts.id, d.id));
    expect(row).toMatchObject({ status: "draft", publishedAt: null });
    expect(await broadcastKinds(d.id)).toEqual([]);
    expect(rec.kicks()).toBe(0);
    const [audit] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from audit_log where entity_id = ${d.id} and action = 'draft.publish'`);
    expect(audit!.n).toBe(0);
  });

  it("two concurrent publishes of one draft: one succeeds, the other is 409, one announcement", async () => {
    const rec = recordingBroadcaster();
    const d = await newDraft(rec.b);
    const results = await Promise.allSettled([publishDraft(deps(rec.b), admin, d.id, {}), publishDraft(deps(rec.b), admin, d.id, {})]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    expect((rejected?.reason as AppError | undefined)?.status).toBe(409);
    expect(rec.calls).toEqual([`published ${d.id}`]);
    expect(await broadcastKinds(d.id)).toEqual(["announcement"]);
  });

  it("a draft opening later is scheduled; its opening date is kept", async () => {
    const rec = recordingBroadcaster();
    const now = new Date();
    const d = await newDraft(rec.b, { commentOpensAt: isoVn(inDays(3, now)), commentClosesAt: isoVn(inDays(40, now)) });
    const view = await publishDraft(deps(rec.b, now), admin, d.id, {});
    expect(view).toMatchObject({ status: "scheduled", commentOpensAt: d.commentOpensAt, publishedAt: now.toISOString() });
  });

  it("an opening date in the past becomes the publication time", async () => {
    const rec = recordingBroadcaster();
    const now = new Date();
    const d = await newDraft(rec.b, { commentOpensAt: isoVn(inDays(-3, now)), commentClosesAt: isoVn(inDays(40, now)) });
    const view = await publishDraft(deps(rec.b, now), admin, d.id, {});
    expect(view.commentOpensAt).toBe(now.toISOString());
  });

  it("extending and correcting a published draft go through the broadcaster; shortening does not", async () => {
    const rec = recordingBroadcaster();
    const d = await newDraft(rec.b);
    const pub = await publishDraft(deps(rec.b), admin, d.id, {});
    const later = isoVn(inDays(5, new Date(pub.commentClosesAt)));
    await updateDraft(deps(rec.b), admin, d.id, patchDraftBody.parse({ commentClosesAt: later }));
    await updateDraft(deps(rec.b), admin, d.id, patchDraftBody.parse({ fullTextUrl: "https://langson.gov.vn/v2.pdf", correction: { note: "Bản mới" } }));
    await expect(
      updateDraft(deps(rec.b), admin, d.id, patchDraftBody.parse({ commentClosesAt: isoVn(inDays(31)) })),
    ).rejects.toMatchObject({ status: 409, errors: [{ field: "commentClosesAt" }] });
    expect(rec.calls).toEqual([`published ${d.id}`, `extended ${d.id}`, `corrected ${d.id} Bản mới`]);
    expect(await broadcastKinds(d.id)).toEqual(["announcement", "extension", "correction"]);
    expect(rec.kicks()).toBe(3);
  });

  it("closing: admin only, open or scheduled only", async () => {
    const rec = recordingBroadcaster();
    const d = await newDraft(rec.b);
    await expect(closeDraft(deps(rec.b), admin, d.id, {})).rejects.toMatchObject({ status: 409 });
    await publishDraft(deps(rec.b), admin, d.id, {});
    const drafter: Actor = { label: "d", role: "drafter", agencyId: d.draftingAgency.id };
    await expect(closeDraft(deps(rec.b), drafter, d.id, {})).rejects.toMatchObject({ status: 403 });
    const closed = await closeDraft(deps(rec.b), admin, d.id, {});
    expect(closed.status).toBe("closed");
  });
});
