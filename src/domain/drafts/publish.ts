import { eq, sql } from "drizzle-orm";
import { drafts, draftTargets, questions } from "../../db/schema/index.js";
import { conflict } from "../../errors.js";
import { recordAudit } from "../audit.js";
import { accessibleDraft, assertCanWrite } from "../draft-access.js";
import { getDraftView } from "./queries.js";
import type { DraftView } from "./schemas.js";
import type { Actor, DraftDeps } from "./types.js";
import { isShortPeriod, publishProblems, throwIfAny } from "./validation.js";
import { periodDays } from "./view.js";

/**
 * Publish a draft: status "open" (or "scheduled" when commentOpensAt is later), publishedAt, and, for a
 * draft that opens now, the announcement enqueued by the broadcaster in the same transaction (a scheduled
 * draft is announced by the scheduler when its period opens, so residents are not asked too early). The row is locked, so a second
 * publish (double click, two instances) waits and then gets 409.
 */
export async function publishDraft(
  deps: DraftDeps,
  actor: Actor,
  id: string,
  input: { shortenedPeriodReason?: string | undefined },
): Promise<DraftView> {
  assertCanWrite(actor);
  const now = deps.now?.() ?? new Date();
  const view = await deps.db.transaction(async (tx) => {
    const row = await accessibleDraft(tx, actor, id, { lock: true });
    if (row.containsStateSecrets) {
      throw conflict("A draft that contains state secrets can never be broadcast (plan II.1 a, I.2).", [
        { field: "containsStateSecrets", message: "the draft contains state secrets" },
      ]);
    }
    if (row.status !== "draft") {
      throw conflict(`The draft is already ${row.status}; only a draft in status "draft" can be published.`, [
        { field: "status", message: `draft is ${row.status}` },
      ]);
    }
    const [{ n } = { n: 0 }] = await tx.select({ n: sql<number>`count(*)::int` }).from(questions).where(eq(questions.draftId, id));
    const targetCodes = (await tx.select({ c: draftTargets.unitCode }).from(draftTargets).where(eq(draftTargets.draftId, id))).map((t) => t.c);
    const opensLater = row.commentOpensAt.getTime() > now.getTime();
    // A period whose opening date has passed opens now: residents can answer from publication on.
    const opensAt = opensLater ? row.commentOpensAt : now;
    const reason = input.shortenedPeriodReason;
    throwIfAny(
      await publishProblems(tx, {
        row,
        questionCount: n,
        targetCodes,
        effectiveOpensAt: opensAt,
        now,
        minCommentDays: deps.minCommentDays,
        shortenedPeriodReason: reason,
      }),
      "The draft cannot be published",
    );
    const days = periodDays(opensAt, row.commentClosesAt);
    const shortened = isShortPeriod(opensAt, row.commentClosesAt, deps.minCommentDays);
    const status = opensLater ? "scheduled" : "open";
    await tx
      .update(drafts)
      .set({
        status,
        publishedAt: now,
        commentOpensAt: opensAt,
        updatedAt: now,
        ...(reason !== undefined ? { shortenedPeriodReason: reason } : {}),
      })
      .where(eq(drafts.id, id));
    await recordAudit(tx, {
      actor: actor.label,
      origin: actor.origin,
      action: "draft.publish",
      entityType: "draft",
      entityId: id,
      details: {
        status,
        periodDays: days,
        minCommentDays: deps.minCommentDays,
        commentOpensAt: opensAt.toISOString(),
        commentClosesAt: row.commentClosesAt.toISOString(),
        ...(reason !== undefined ? { shortenedPeriodReason: reason, shortened } : {}),
      },
    });
    if (status === "open") await deps.broadcaster.draftPublished(tx, id, actor.label);
    return getDraftView(tx, id);
  });
  deps.broadcaster.kick();
  return view;
}
