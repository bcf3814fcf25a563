import { drafts } from "../../db/schema/index.js";
import { recordAudit } from "../audit.js";
import { assertCanWrite } from "../draft-access.js";
import { blankToNull, resolveAgencyFor, writeQuestions, writeTargets } from "./parts.js";
import { getDraftView } from "./queries.js";
import type { CreateDraftInput, DraftView } from "./schemas.js";
import type { Actor, DraftDeps } from "./types.js";
import { periodOrderProblems, throwIfAny, unknownUnitProblems } from "./validation.js";

/** Register a draft (status "draft"); nothing reaches residents until it is published. */
export async function createDraft(deps: Pick<DraftDeps, "db">, actor: Actor, input: CreateDraftInput): Promise<DraftView> {
  assertCanWrite(actor);
  const opensAt = new Date(input.commentOpensAt);
  const closesAt = new Date(input.commentClosesAt);
  return deps.db.transaction(async (tx) => {
    const agencyId = await resolveAgencyFor(tx, actor, input.draftingAgency);
    throwIfAny(
      [
        ...periodOrderProblems(opensAt, closesAt),
        ...(input.targetCommunes === "all" ? [] : await unknownUnitProblems(tx, input.targetCommunes)),
      ],
      "The draft cannot be registered",
    );
    const [row] = await tx
      .insert(drafts)
      .values({
        code: blankToNull(input.code),
        title: input.title,
        agencyId,
        ...input.criteria,
        containsStateSecrets: input.containsStateSecrets,
        summaryNecessity: input.summary.necessity,
        summaryMainContent: input.summary.mainContent,
        summaryRightsChanges: input.summary.rightsChanges,
        summaryOther: blankToNull(input.summary.other),
        fullTextUrl: input.fullTextUrl,
        commentOpensAt: opensAt,
        commentClosesAt: closesAt,
        targetAll: input.targetCommunes === "all",
        reminderDays: input.reminderDays ?? null,
        createdBy: actor.label,
      })
      .returning({ id: drafts.id });
    if (!row) throw new Error("draft insert returned nothing");
    await writeQuestions(tx, row.id, input.questions);
    await writeTargets(tx, row.id, input.targetCommunes);
    await recordAudit(tx, {
      actor: actor.label,
      origin: actor.origin,
      action: "draft.create",
      entityType: "draft",
      entityId: row.id,
      details: { title: input.title, agencyId, containsStateSecrets: input.containsStateSecrets },
    });
    return getDraftView(tx, row.id);
  });
}
