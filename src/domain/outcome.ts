import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { drafts } from "../db/schema/index.js";
import { conflict } from "../errors.js";
import { t } from "../i18n/index.js";
import { recordAudit } from "./audit.js";
import { accessibleDraft, assertCanWrite } from "./draft-access.js";
import { getDraftView } from "./drafts/queries.js";
import { draftView, type DraftView } from "./drafts/schemas.js";
import type { Actor, DraftDeps } from "./drafts/types.js";
import { feedbackSources } from "./feedback-sources.js";
import { createBroadcast, enqueueAudience } from "../delivery/outbox.js";
import { byLocale, perLocale } from "../messages/per-locale.js";

export const outcomeBody = z
  .object({
    text: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .max(3000)
      .meta({ description: "What came of the feedback: what was accepted, what was explained, where the revised text is. Sent as written to every respondent." }),
  })
  .strict();
export type OutcomeInput = z.infer<typeof outcomeBody>;

export const outcomeView = z.object({
  draft: draftView,
  broadcastId: z.string(),
  recipients: z.number().int().meta({ description: "Respondents the outcome was queued for." }),
});

/**
 * Publish what came of a closed draft's feedback (drafter of the agency, or admin): kept with the draft
 * and sent once, through the outbox at bulk priority (quiet hours apply), to every respondent (answered
 * or commented by the deadline, still active). Once only: a second publication is refused with 409, as
 * respondents already have the first text; a draft not closed is refused with 409. Audited.
 */
export async function publishOutcome(
  deps: Pick<DraftDeps, "db" | "broadcaster" | "now">,
  actor: Actor,
  id: string,
  input: OutcomeInput,
): Promise<{ draft: DraftView; broadcastId: string; recipients: number }> {
  assertCanWrite(actor);
  const now = deps.now?.() ?? new Date();
  const result = await deps.db.transaction(async (tx) => {
    const row = await accessibleDraft(tx, actor, id, { lock: true });
    if (row.status !== "closed") {
      throw conflict(`The outcome is published after the comment period; this draft is ${row.status}.`, [{ field: "status", message: `draft is ${row.status}` }]);
    }
    if (row.outcomeText !== null) {
      throw conflict("The outcome of this draft was already published and sent to respondents; it is not sent twice.", [
        { field: "text", message: `already published at ${row.outcomeAt?.toISOString() ?? "?"}` },
      ]);
    }
    await tx.update(drafts).set({ outcomeText: input.text, outcomeAt: now, outcomeBy: actor.label, updatedAt: now }).where(eq(drafts.id, id));
    const message = perLocale((l) => ({ text: t(l, "outcome.message", { title: row.title, text: input.text }) }));
    const broadcastId = await createBroadcast(tx, id, "outcome", actor.label, now);
    const recipients = await enqueueAudience(tx, broadcastId, "outcome", byLocale(message), sql`s.status = 'active' and s.id in (
      select subscriber_id from (${feedbackSources(id)}
        select subscriber_id from ontime union select subscriber_id from fb_comments where not late) respondents)`);
    await recordAudit(tx, { actor: actor.label, action: "draft.outcome", entityType: "draft", entityId: id, details: { recipients, broadcastId, length: input.text.length } });
    return { draft: await getDraftView(tx, id), broadcastId, recipients };
  });
  deps.broadcaster.kick();
  return result;
}
