import type { drafts, questions } from "../../db/schema/index.js";
import type { DraftView } from "./schemas.js";

export type DraftRow = typeof drafts.$inferSelect;
export type QuestionRow = typeof questions.$inferSelect;

const DAY_MS = 86_400_000;

export function periodDays(opensAt: Date, closesAt: Date): number {
  return Math.round(((closesAt.getTime() - opensAt.getTime()) / DAY_MS) * 100) / 100;
}

export function isHighImpact(c: Pick<DraftRow, "requiresPolicyProposal" | "affectsRightsAndObligations" | "sensitiveOrContested" | "provinceWide">) {
  return c.requiresPolicyProposal && c.affectsRightsAndObligations && c.sensitiveOrContested && c.provinceWide;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The API shape of a draft. */
export function toDraftView(row: DraftRow, agencyName: string, qs: QuestionRow[], targetCodes: string[]): DraftView {
  return {
    id: row.id,
    code: row.code,
    title: row.title,
    draftingAgency: { id: row.agencyId, name: agencyName },
    criteria: {
      requiresPolicyProposal: row.requiresPolicyProposal,
      affectsRightsAndObligations: row.affectsRightsAndObligations,
      sensitiveOrContested: row.sensitiveOrContested,
      provinceWide: row.provinceWide,
    },
    highImpact: isHighImpact(row),
    containsStateSecrets: row.containsStateSecrets,
    summary: { necessity: row.summaryNecessity, mainContent: row.summaryMainContent, rightsChanges: row.summaryRightsChanges, other: row.summaryOther },
    fullTextUrl: row.fullTextUrl,
    commentOpensAt: row.commentOpensAt.toISOString(),
    commentClosesAt: row.commentClosesAt.toISOString(),
    periodDays: periodDays(row.commentOpensAt, row.commentClosesAt),
    targetCommunes: row.targetAll ? "all" : [...targetCodes].sort(),
    questions: [...qs]
      .sort((a, b) => a.position - b.position)
      .map((q) => ({ id: q.id, position: q.position, text: q.text, article: q.article, choices: q.choices, allowComment: q.allowComment })),
    status: row.status,
    shortenedPeriodReason: row.shortenedPeriodReason,
    publishedAt: iso(row.publishedAt),
    closedAt: iso(row.closedAt),
    reminderDays: row.reminderDays ?? null,
    outcome: row.outcomeText && row.outcomeAt ? { text: row.outcomeText, publishedAt: row.outcomeAt.toISOString(), publishedBy: row.outcomeBy ?? "" } : null,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
