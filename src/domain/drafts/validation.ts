import { inArray } from "drizzle-orm";
import type { DbOrTx } from "../../db/client.js";
import { adminUnits } from "../../db/schema/index.js";
import type { FieldProblem } from "../../errors.js";
import { unprocessable } from "../../errors.js";
import type { DraftRow } from "./view.js";

/** Codes that are not current units, named by their place in the request ("targetCommunes.2"). */
export async function unknownUnitProblems(db: DbOrTx, codes: string[]): Promise<FieldProblem[]> {
  if (!codes.length) return [];
  const found = await db.select({ code: adminUnits.code }).from(adminUnits).where(inArray(adminUnits.code, [...new Set(codes)]));
  const known = new Set(found.map((u) => u.code));
  return codes.flatMap((c, i) => (known.has(c) ? [] : [{ field: `targetCommunes.${i}`, message: `unknown unit code ${c}` }]));
}

export function periodOrderProblems(opensAt: Date, closesAt: Date): FieldProblem[] {
  return closesAt.getTime() > opensAt.getTime()
    ? []
    : [{ field: "commentClosesAt", message: "must be later than commentOpensAt" }];
}

/** Whether the period from opensAt to closesAt is shorter than minDays whole days (exactly, to the millisecond). */
export function isShortPeriod(opensAt: Date, closesAt: Date, minDays: number): boolean {
  return closesAt.getTime() - opensAt.getTime() < minDays * 86_400_000;
}

export function throwIfAny(problems: FieldProblem[], detail: string): void {
  if (problems.length) throw unprocessable(`${detail}: ${problems.map((p) => `${p.field} ${p.message}`).join("; ")}`, problems);
}

export interface PublishCheck {
  row: DraftRow;
  questionCount: number;
  targetCodes: string[];
  /** When the period starts if published now: the later of commentOpensAt and now. */
  effectiveOpensAt: Date;
  now: Date;
  minCommentDays: number;
  shortenedPeriodReason?: string | undefined;
}

/** Everything that makes a draft not ready to put in front of residents (422). */
export async function publishProblems(db: DbOrTx, c: PublishCheck): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  const parts = [
    ["summary.necessity", c.row.summaryNecessity],
    ["summary.mainContent", c.row.summaryMainContent],
    ["summary.rightsChanges", c.row.summaryRightsChanges],
  ] as const;
  for (const [field, text] of parts) if (!text.trim()) problems.push({ field, message: "this summary part is empty (plan II.2)" });
  if (c.row.commentClosesAt.getTime() <= c.now.getTime()) {
    problems.push({ field: "commentClosesAt", message: "is in the past" });
  } else {
    const ms = c.row.commentClosesAt.getTime() - c.effectiveOpensAt.getTime();
    // Exact, not the rounded periodDays: 29 days 23 h 55 min is not 30 days (plan III.3).
    const days = Math.floor((ms / 86_400_000) * 100) / 100;
    if (isShortPeriod(c.effectiveOpensAt, c.row.commentClosesAt, c.minCommentDays) && !c.shortenedPeriodReason) {
      problems.push({
        field: "commentClosesAt",
        message: `the comment period is ${days} days; at least ${c.minCommentDays} are required (plan III.3) unless shortenedPeriodReason gives the legal reason`,
      });
    }
  }
  if (!c.row.targetAll) {
    if (!c.targetCodes.length) problems.push({ field: "targetCommunes", message: "no target unit" });
    problems.push(...(await unknownUnitProblems(db, c.targetCodes)));
  }
  if (c.questionCount === 0) problems.push({ field: "questions", message: "the draft has no question" });
  return problems;
}
