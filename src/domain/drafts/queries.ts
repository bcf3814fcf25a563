import { and, desc, eq, inArray, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../../db/client.js";
import { agencies, drafts, draftTargets, questions, type DraftStatus } from "../../db/schema/index.js";
import { isUuid, notFoundById } from "../ids.js";
import type { DraftView } from "./schemas.js";
import { toDraftView, type DraftRow } from "./view.js";

const missing = (id: string) => notFoundById("draft", id);

/**
 * The draft row whoever asks, or 404 (an id that is not a uuid is simply unknown). `lock`: select … for update.
 * Requests on behalf of a key go through `accessibleDraft` (draft-access.ts), which adds the agency rule.
 */
export async function getDraftRow(db: DbOrTx, id: string, lock = false): Promise<DraftRow> {
  if (!isUuid(id)) throw missing(id);
  const q = db.select().from(drafts).where(eq(drafts.id, id)).limit(1);
  const [row] = lock ? await q.for("update") : await q;
  if (!row) throw missing(id);
  return row;
}

/** API views of these rows, with their agency, questions and targets (three queries for the lot). */
export async function toViews(db: DbOrTx, rows: DraftRow[]): Promise<DraftView[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const agencyIds = [...new Set(rows.map((r) => r.agencyId))];
  // One after the other: inside a transaction the queries share one connection.
  const agencyRows = await db.select({ id: agencies.id, name: agencies.name }).from(agencies).where(inArray(agencies.id, agencyIds));
  const questionRows = await db.select().from(questions).where(inArray(questions.draftId, ids));
  const targetRows = await db.select().from(draftTargets).where(inArray(draftTargets.draftId, ids));
  const agencyName = new Map(agencyRows.map((a) => [a.id, a.name]));
  return rows.map((r) =>
    toDraftView(
      r,
      agencyName.get(r.agencyId) ?? "",
      questionRows.filter((q) => q.draftId === r.id),
      targetRows.filter((t) => t.draftId === r.id).map((t) => t.unitCode),
    ),
  );
}

export async function getDraftView(db: DbOrTx, id: string): Promise<DraftView> {
  const [view] = await toViews(db, [await getDraftRow(db, id)]);
  if (!view) throw missing(id);
  return view;
}

export interface DraftFilter {
  status?: DraftStatus | undefined;
  agencyId?: string | undefined;
  limit: number;
  offset: number;
}

/** Newest first. */
export async function listDraftViews(db: DbOrTx, f: DraftFilter): Promise<DraftView[]> {
  const where: SQL[] = [];
  if (f.status) where.push(eq(drafts.status, f.status));
  if (f.agencyId) where.push(eq(drafts.agencyId, f.agencyId));
  const rows = await db
    .select()
    .from(drafts)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(drafts.createdAt), desc(drafts.id))
    .limit(f.limit)
    .offset(f.offset);
  return toViews(db, rows);
}
