import { eq } from "drizzle-orm";
import type { DbOrTx } from "../../db/client.js";
import { draftTargets, questions } from "../../db/schema/index.js";
import { findAgency, findOrCreateAgency } from "../agencies.js";
import { forbidden, unprocessable } from "../../errors.js";
import type { Actor } from "./types.js";
import type { CreateDraftInput } from "./schemas.js";

type QuestionInput = CreateDraftInput["questions"][number];

const blankToNull = (v: string | null | undefined) => (v === undefined || v === null || v.trim() === "" ? null : v.trim());

export function normaliseQuestions(qs: QuestionInput[]) {
  return qs.map((q, i) => ({
    position: i + 1,
    text: q.text,
    article: blankToNull(q.article),
    choices: q.choices,
    allowComment: q.allowComment,
  }));
}

export { blankToNull };

/** Replace a draft's questions (only ever before publishing: answers refer to them). */
export async function writeQuestions(tx: DbOrTx, draftId: string, qs: QuestionInput[]): Promise<void> {
  await tx.delete(questions).where(eq(questions.draftId, draftId));
  const rows = normaliseQuestions(qs).map((q) => ({ ...q, draftId }));
  if (rows.length) await tx.insert(questions).values(rows);
}

/** Replace a draft's target units; "all" stores none (targetAll carries it). */
export async function writeTargets(tx: DbOrTx, draftId: string, targets: "all" | string[]): Promise<void> {
  await tx.delete(draftTargets).where(eq(draftTargets.draftId, draftId));
  if (targets === "all") return;
  const codes = [...new Set(targets)];
  if (codes.length) await tx.insert(draftTargets).values(codes.map((unitCode) => ({ draftId, unitCode })));
}

/**
 * The agency a draft is written for. Drafters: their own agency only (403 naming draftingAgency).
 * Admins: any agency, created when the name is new (an unknown id is 422).
 */
export async function resolveAgencyFor(tx: DbOrTx, actor: Actor, nameOrId: string): Promise<string> {
  if (actor.role === "admin") {
    const agency = await findOrCreateAgency(tx, nameOrId);
    if (!agency) throw unprocessable(`No agency with id ${nameOrId}.`, [{ field: "draftingAgency", message: "unknown agency id" }]);
    return agency.id;
  }
  const agency = await findAgency(tx, nameOrId);
  if (!agency || agency.id !== actor.agencyId) {
    throw forbidden("Your key can write drafts for its own agency only.", [
      { field: "draftingAgency", message: "not the agency of your key" },
    ]);
  }
  return agency.id;
}
