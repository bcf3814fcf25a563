import { eq } from "drizzle-orm";
import type { DbOrTx } from "../../db/client.js";
import { drafts, draftTargets, questions } from "../../db/schema/index.js";
import { conflict, unprocessable, type FieldProblem } from "../../errors.js";
import { recordAudit } from "../audit.js";
import { accessibleDraft, assertCanWrite } from "../draft-access.js";
import { blankToNull, normaliseQuestions, resolveAgencyFor, writeQuestions, writeTargets } from "./parts.js";
import { getDraftView } from "./queries.js";
import type { DraftRow } from "./view.js";
import type { DraftView, PatchDraftInput } from "./schemas.js";
import type { Actor, DraftDeps } from "./types.js";
import { periodOrderProblems, throwIfAny, unknownUnitProblems } from "./validation.js";

interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

/**
 * After publishing, these may change only with an explicit `correction: { note }`, which residents are
 * told about. Every other field except a later commentClosesAt (an extension) is then fixed.
 */
const CORRECTABLE = new Set([
  "title",
  "code",
  "criteria.requiresPolicyProposal",
  "criteria.affectsRightsAndObligations",
  "criteria.sensitiveOrContested",
  "criteria.provinceWide",
  "summary.necessity",
  "summary.mainContent",
  "summary.rightsChanges",
  "summary.other",
  "fullTextUrl",
]);

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const questionKey = (q: { text: string; article: string | null; choices: string[]; allowComment: boolean }) => ({
  text: q.text,
  article: q.article,
  choices: q.choices,
  allowComment: q.allowComment,
});

/** What a PATCH would change, worked out before deciding whether the draft's status allows it. */
interface DraftChanges {
  set: Partial<typeof drafts.$inferInsert>;
  changes: FieldChange[];
  opensAt: Date;
  closesAt: Date;
  newTargets: "all" | string[] | undefined;
  newQuestions: PatchDraftInput["questions"];
}

/** What the status allows the change to be: an extension, a correction, or neither (a draft not yet published). */
interface Verdict {
  extended: boolean;
  corrected: boolean;
}

/**
 * PATCH a draft. Before publishing anything may change. After publishing: a later commentClosesAt
 * extends the period (residents are told); a correction changes what they received (they are told);
 * anything else, or a shorter period, is refused with 409 naming the field. Every change is audited.
 */
export async function updateDraft(deps: DraftDeps, actor: Actor, id: string, input: PatchDraftInput): Promise<DraftView> {
  assertCanWrite(actor);
  const result = await deps.db.transaction(async (tx) => {
    const row = await accessibleDraft(tx, actor, id, { lock: true });
    const plan = await collectChanges(tx, actor, row, input);
    const verdict = await judgeChanges(tx, row, input, plan);
    if (!plan.changes.length) return { view: await getDraftView(tx, id), broadcast: false };
    await writeChanges(tx, id, plan);
    await auditAndTell(tx, deps, actor, row, input, plan, verdict);
    return { view: await getDraftView(tx, id), broadcast: verdict.extended || verdict.corrected };
  });
  if (result.broadcast) deps.broadcaster.kick();
  return result.view;
}

/** Compare the input with the stored draft, field by field: what would change, and the columns to set. */
async function collectChanges(tx: DbOrTx, actor: Actor, row: DraftRow, input: PatchDraftInput): Promise<DraftChanges> {
  const set: Partial<typeof drafts.$inferInsert> = {};
  const changes: FieldChange[] = [];
  const diff = (field: string, from: unknown, to: unknown, apply: () => void) => {
    if (same(from, to)) return;
    changes.push({ field, from, to });
    apply();
  };
  await diffFields(tx, actor, row, input, set, diff);
  const opensAt = input.commentOpensAt !== undefined ? new Date(input.commentOpensAt) : row.commentOpensAt;
  const closesAt = input.commentClosesAt !== undefined ? new Date(input.commentClosesAt) : row.commentClosesAt;
  diff("commentOpensAt", row.commentOpensAt.toISOString(), opensAt.toISOString(), () => (set.commentOpensAt = opensAt));
  diff("commentClosesAt", row.commentClosesAt.toISOString(), closesAt.toISOString(), () => (set.commentClosesAt = closesAt));

  if (input.reminderDays !== undefined) {
    const days = input.reminderDays;
    diff("reminderDays", row.reminderDays ?? null, days, () => (set.reminderDays = days));
  }
  const newTargets = await diffTargets(tx, row, input, set, diff);
  const newQuestions = await diffQuestions(tx, row, input, diff);
  return { set, changes, opensAt, closesAt, newTargets, newQuestions };
}

type Diff = (field: string, from: unknown, to: unknown, apply: () => void) => void;

/** The draft's own columns: title, code, agency, criteria, secrecy, summary, full-text link. */
async function diffFields(tx: DbOrTx, actor: Actor, row: DraftRow, input: PatchDraftInput, set: DraftChanges["set"], diff: Diff): Promise<void> {
  if (input.title !== undefined) diff("title", row.title, input.title, () => (set.title = input.title));
  if (input.code !== undefined) {
    const code = blankToNull(input.code);
    diff("code", row.code, code, () => (set.code = code));
  }
  if (input.draftingAgency !== undefined) {
    const agencyId = await resolveAgencyFor(tx, actor, input.draftingAgency);
    diff("draftingAgency", row.agencyId, agencyId, () => (set.agencyId = agencyId));
  }
  for (const [k, v] of Object.entries(input.criteria ?? {}) as [keyof NonNullable<PatchDraftInput["criteria"]>, boolean | undefined][]) {
    if (v !== undefined) diff(`criteria.${k}`, row[k], v, () => (set[k] = v));
  }
  if (input.containsStateSecrets !== undefined) {
    const v = input.containsStateSecrets;
    diff("containsStateSecrets", row.containsStateSecrets, v, () => (set.containsStateSecrets = v));
  }
  const s = input.summary;
  if (s?.necessity !== undefined) diff("summary.necessity", row.summaryNecessity, s.necessity, () => (set.summaryNecessity = s.necessity));
  if (s?.mainContent !== undefined) diff("summary.mainContent", row.summaryMainContent, s.mainContent, () => (set.summaryMainContent = s.mainContent));
  if (s?.rightsChanges !== undefined) diff("summary.rightsChanges", row.summaryRightsChanges, s.rightsChanges, () => (set.summaryRightsChanges = s.rightsChanges));
  if (s?.other !== undefined) {
    const other = blankToNull(s.other);
    diff("summary.other", row.summaryOther, other, () => (set.summaryOther = other));
  }
  if (input.fullTextUrl !== undefined) diff("fullTextUrl", row.fullTextUrl, input.fullTextUrl, () => (set.fullTextUrl = input.fullTextUrl));
}

/** The target communes ("all" or codes, compared as sets); returns the new targets when they change. */
async function diffTargets(tx: DbOrTx, row: DraftRow, input: PatchDraftInput, set: DraftChanges["set"], diff: Diff): Promise<DraftChanges["newTargets"]> {
  if (input.targetCommunes === undefined) return undefined;
  const current = row.targetAll
    ? "all"
    : (await tx.select({ c: draftTargets.unitCode }).from(draftTargets).where(eq(draftTargets.draftId, row.id))).map((t) => t.c).sort();
  const wanted = input.targetCommunes === "all" ? "all" : [...new Set(input.targetCommunes)].sort();
  let newTargets: DraftChanges["newTargets"];
  diff("targetCommunes", current, wanted, () => {
    newTargets = input.targetCommunes;
    set.targetAll = wanted === "all";
  });
  return newTargets;
}

/** The questions, compared in order by text, article, choices and comment; returns them when they change. */
async function diffQuestions(tx: DbOrTx, row: DraftRow, input: PatchDraftInput, diff: Diff): Promise<PatchDraftInput["questions"]> {
  const qs = input.questions;
  if (qs === undefined) return undefined;
  const current = (await tx.select().from(questions).where(eq(questions.draftId, row.id)))
    .sort((a, b) => a.position - b.position)
    .map(questionKey);
  const wanted = normaliseQuestions(qs).map(questionKey);
  let newQuestions: PatchDraftInput["questions"];
  diff("questions", current, wanted, () => (newQuestions = qs));
  return newQuestions;
}

/** Whether the draft's status allows these changes; throws the 409/422 naming the fields otherwise. */
async function judgeChanges(tx: DbOrTx, row: DraftRow, input: PatchDraftInput, plan: DraftChanges): Promise<Verdict> {
  if (row.status === "draft") {
    await checkUnpublished(tx, input, plan);
    return { extended: false, corrected: false };
  }
  if (row.status === "scheduled" || row.status === "open") return checkPublished(row, input, plan);
  if (plan.changes.length || input.correction) {
    throw conflict(`The draft is ${row.status}; it can no longer be changed.`, [{ field: "status", message: `draft is ${row.status}` }]);
  }
  return { extended: false, corrected: false };
}

/** Before publishing anything may change, as long as the period is in order and the communes exist. */
async function checkUnpublished(tx: DbOrTx, input: PatchDraftInput, plan: DraftChanges): Promise<void> {
  if (input.correction) {
    throw unprocessable("A correction is for a published draft; this one has not been published, so just change it.", [
      { field: "correction", message: "the draft is not published" },
    ]);
  }
  const problems = periodOrderProblems(plan.opensAt, plan.closesAt);
  if (plan.newTargets !== undefined && plan.newTargets !== "all") problems.push(...(await unknownUnitProblems(tx, plan.newTargets)));
  throwIfAny(problems, "The draft cannot be changed");
}

/** After publishing: a later deadline is an extension, what residents received needs a correction, nothing else. */
function checkPublished(row: DraftRow, input: PatchDraftInput, plan: DraftChanges): Verdict {
  const refused: FieldProblem[] = [];
  const needCorrection: FieldChange[] = [];
  let extended = false;
  for (const c of plan.changes) {
    if (c.field === "commentClosesAt") {
      if (plan.closesAt.getTime() < row.commentClosesAt.getTime()) {
        refused.push({ field: c.field, message: "a published comment period can be extended but not shortened" });
      } else extended = true;
    } else if (c.field === "reminderDays") {
      // Reminders are the service's own follow-up, not what residents received: free until closing.
    } else if (CORRECTABLE.has(c.field)) needCorrection.push(c);
    else refused.push({ field: c.field, message: `cannot change once the draft is published (status ${row.status})` });
  }
  if (needCorrection.length && !input.correction) {
    for (const c of needCorrection) {
      refused.push({ field: c.field, message: "residents already received this; send correction: { note } to change it and tell them" });
    }
  }
  if (refused.length) {
    throw conflict(`The published draft cannot be changed this way: ${refused.map((r) => r.field).join(", ")}.`, refused);
  }
  if (input.correction && !needCorrection.length) {
    throw unprocessable("The correction changes nothing residents received.", [{ field: "correction", message: "nothing to correct" }]);
  }
  return { extended, corrected: needCorrection.length > 0 };
}

/** Write the new columns, targets and questions. */
async function writeChanges(tx: DbOrTx, id: string, plan: DraftChanges): Promise<void> {
  await tx.update(drafts).set({ ...plan.set, updatedAt: new Date() }).where(eq(drafts.id, id));
  if (plan.newTargets !== undefined) await writeTargets(tx, id, plan.newTargets);
  if (plan.newQuestions !== undefined) await writeQuestions(tx, id, plan.newQuestions);
}

/** Audit the change; for an extension or a correction also queue the message that tells residents. */
async function auditAndTell(tx: DbOrTx, deps: DraftDeps, actor: Actor, row: DraftRow, input: PatchDraftInput, plan: DraftChanges, verdict: Verdict): Promise<void> {
  const id = row.id;
  const audited = plan.changes.map((c) => (c.field === "questions" ? { field: c.field, from: `${(c.from as unknown[]).length} questions`, to: `${(c.to as unknown[]).length} questions` } : c));
  const base = { actor: actor.label, origin: actor.origin, entityType: "draft", entityId: id };
  if (row.status === "draft") {
    await recordAudit(tx, { ...base, action: "draft.update", details: { changes: audited } });
  } else if (plan.set.reminderDays !== undefined) {
    await recordAudit(tx, { ...base, action: "draft.reminders", details: { changes: audited.filter((c) => c.field === "reminderDays") } });
  }
  if (verdict.extended) {
    await recordAudit(tx, {
      ...base,
      action: "draft.extend",
      details: { from: row.commentClosesAt.toISOString(), to: plan.closesAt.toISOString() },
    });
    await deps.broadcaster.draftExtended(tx, id, actor.label);
  }
  if (verdict.corrected && input.correction) {
    await recordAudit(tx, {
      ...base,
      action: "draft.correct",
      details: { note: input.correction.note, changes: audited.filter((c) => c.field !== "commentClosesAt") },
    });
    await deps.broadcaster.draftCorrected(tx, id, actor.label, input.correction.note);
  }
}
