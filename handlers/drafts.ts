import { and, asc, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "../src/db/client.js";
import { draftTargets, drafts, questions, subscriptions } from "../src/db/schema/index.js";

export type DraftRow = typeof drafts.$inferSelect;
export type QuestionRow = typeof questions.$inferSelect;

/** gone: never published or withdrawn · not_open: before the period · open · closed: after the deadline. */
export type Period = "gone" | "not_open" | "open" | "closed";

export async function findDraft(tx: DbOrTx, id: string): Promise<DraftRow | null> {
  const [d] = await tx.select().from(drafts).where(eq(drafts.id, id));
  return d ?? null;
}

export async function draftQuestions(tx: DbOrTx, draftId: string): Promise<QuestionRow[]> {
  return tx.select().from(questions).where(eq(questions.draftId, draftId)).orderBy(asc(questions.position));
}

export async function findQuestion(tx: DbOrTx, id: string): Promise<QuestionRow | null> {
  const [q] = await tx.select().from(questions).where(eq(questions.id, id));
  return q ?? null;
}

/** Where the draft's comment period stands at `now`; the deadline is the end of the period. */
export function periodOf(d: DraftRow, now: Date): Period {
  if (d.status === "draft" || d.status === "withdrawn") return "gone";
  if (d.status === "closed" || now >= d.commentClosesAt) return "closed";
  if (d.status === "scheduled" || now < d.commentOpensAt) return "not_open";
  return "open";
}

/** The commune an answer counts for: the person's resident commune among the draft's targets, else their first. */
export async function unitForAnswer(tx: DbOrTx, subscriberId: string, d: DraftRow): Promise<string | null> {
  const mine = await tx
    .select({ unitCode: subscriptions.unitCode })
    .from(subscriptions)
    .where(and(eq(subscriptions.subscriberId, subscriberId), eq(subscriptions.role, "resident")))
    .orderBy(asc(subscriptions.createdAt));
  if (!mine.length) return null;
  if (d.targetAll) return mine[0]!.unitCode;
  const codes = mine.map((m) => m.unitCode);
  const targeted = await tx
    .select({ unitCode: draftTargets.unitCode })
    .from(draftTargets)
    .where(and(eq(draftTargets.draftId, d.id), inArray(draftTargets.unitCode, codes)));
  const set = new Set(targeted.map((r) => r.unitCode));
  return codes.find((c) => set.has(c)) ?? codes[0]!;
}

