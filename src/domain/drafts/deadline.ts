import { sql, type SQL } from "drizzle-orm";

/**
 * The one effective-deadline rule: a draft's feedback counts until the end of its comment period, or
 * until it was closed early, whichever came first. Answers and comments after it are kept, flagged
 * late and left out of the tallies.
 */
export interface DraftPeriodEnd {
  commentClosesAt: Date;
  closedAt: Date | null;
}

export function effectiveDeadline(d: DraftPeriodEnd): Date {
  return d.closedAt && d.closedAt < d.commentClosesAt ? d.closedAt : d.commentClosesAt;
}

/** Whether feedback given at `at` comes after the deadline (late); a closed draft is past it. */
export function pastDeadline(d: DraftPeriodEnd & { status: string }, at: Date): boolean {
  return d.status === "closed" || at >= effectiveDeadline(d);
}

/** The same rule in SQL, over a drafts row (optionally under an alias: `effectiveDeadlineSql("d")`). */
export function effectiveDeadlineSql(alias?: string): SQL {
  const col = (name: string) => sql.raw(alias ? `${alias}.${name}` : name);
  return sql`least(${col("comment_closes_at")}, coalesce(${col("closed_at")}, ${col("comment_closes_at")}))`;
}
