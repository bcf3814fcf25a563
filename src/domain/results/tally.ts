import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client.js";
import type { drafts } from "../../db/schema/index.js";
import { feedbackSources } from "../feedback-sources.js";
import { draftStats, type DraftStats } from "../stats.js";

type DraftRow = typeof drafts.$inferSelect;

/** The figures a respondent's results message is made of: the province's and each commune's. */
export interface DraftResults {
  stats: DraftStats;
  /** Per commune code: per question id, the count per choice index (answers that count). */
  byCommune: Map<string, Map<string, Map<number, number>>>;
}

/** The province's tallies (draftStats) and the same tallies per commune, over answers that count. */
export async function draftResults(db: DbOrTx, draft: DraftRow): Promise<DraftResults> {
  const stats = await draftStats(db, draft);
  const rows = await queryRows<{ unit_code: string | null; question_id: string; choice_index: number; n: number }>(db, sql`
    ${feedbackSources(draft.id)}
    select unit_code, question_id, choice_index, count(*)::int as n from ontime group by 1, 2, 3`);
  const byCommune = new Map<string, Map<string, Map<number, number>>>();
  for (const r of rows) {
    const unit = r.unit_code ?? "";
    const q = byCommune.get(unit) ?? new Map<string, Map<number, number>>();
    const c = q.get(r.question_id) ?? new Map<number, number>();
    c.set(r.choice_index, r.n);
    q.set(r.question_id, c);
    byCommune.set(unit, q);
  }
  return { stats, byCommune };
}
