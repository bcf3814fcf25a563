import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client.js";
import { comments, handlingStates, moderationStates } from "../db/schema/index.js";
import { badRequest } from "../errors.js";
import { principalLabel, type Principal } from "./api-keys.js";
import { recordAudit } from "./audit.js";
import { accessibleComment, assertCanWrite } from "./draft-access.js";
import { safeText } from "./fields.js";

/**
 * What an officer records on a resident's comment (plan III.3): moderation — visible, flagged for review,
 * hidden (abuse) — and handling: tiếp thu (accepted into the draft) or giải trình (explained why not),
 * with a note.
 */
export const commentUpdateBody = z
  .object({
    moderation: z.enum(moderationStates).optional(),
    handling: z.enum(handlingStates).optional(),
    handlingNote: safeText(4000).nullable().optional(),
    moderationReason: safeText(500).nullable().optional().meta({ description: "Why the comment is hidden (abuse, personal data…); kept with it, shown to officers only" }),
  })
  .strict();
export type CommentUpdate = z.infer<typeof commentUpdateBody>;

export const commentView = z.object({
  id: z.uuid(),
  draftId: z.uuid(),
  moderation: z.enum(moderationStates),
  handling: z.enum(handlingStates),
  handlingNote: z.string().nullable(),
  moderationReason: z.string().nullable(),
});

/** Moderate or record the handling of one comment. Admins: any draft; drafters: their agency's; viewers: never. */
export async function updateComment(db: Db, principal: Principal, id: string, input: CommentUpdate) {
  assertCanWrite(principal);
  if (input.moderation === undefined && input.handling === undefined && input.handlingNote === undefined && input.moderationReason === undefined) {
    throw badRequest("Nothing to change: send moderation, moderationReason, handling or handlingNote.", [{ field: "(body)", message: "empty update" }]);
  }
  const row = await accessibleComment(db, principal, id);
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(comments)
      .set({
        ...(input.moderation !== undefined ? { moderation: input.moderation } : {}),
        ...(input.handling !== undefined ? { handling: input.handling } : {}),
        ...(input.handlingNote !== undefined ? { handlingNote: input.handlingNote || null } : {}),
        ...(input.moderationReason !== undefined ? { moderationReason: input.moderationReason || null } : {}),
      })
      .where(eq(comments.id, id))
      .returning({
        id: comments.id,
        draftId: comments.draftId,
        moderation: comments.moderation,
        handling: comments.handling,
        handlingNote: comments.handlingNote,
        moderationReason: comments.moderationReason,
      });
    await recordAudit(tx, {
      actor: principalLabel(principal),
      origin: principal.origin,
      action: "comment.update",
      entityType: "comment",
      entityId: id,
      details: { before: { moderation: row.moderation, handling: row.handling }, changes: input, at: new Date().toISOString() },
    });
    return updated!;
  });
}
