import { asc, eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Db, type DbOrTx } from "../db/client.js";
import { adminUnits, offlineFeedback, questions, type drafts } from "../db/schema/index.js";
import { conflict, unprocessable, type FieldProblem } from "../errors.js";
import { localDateTime } from "../text/local-time.js";
import { recordAudit } from "./audit.js";
import { accessibleDraft, assertCanWrite } from "./draft-access.js";
import type { Actor } from "./drafts/types.js";

type DraftRow = typeof drafts.$inferSelect;

const count = z.number().int("must be a whole number").min(0, "must not be negative");

/** The body of POST /drafts/{id}/offline-feedback. */
export const offlineFeedbackBody = z.strictObject({
  commune: z.string().regex(/^\d{5}$/, "a five-digit commune code").describe("Code of a target commune of the draft"),
  meetingDate: z.iso.date().describe("Local date of the meeting (YYYY-MM-DD), between the publication and today"),
  attendees: count.max(1_000_000).describe("People at the meeting; at least the largest number of answers to one question"),
  answers: z
    .array(
      z.strictObject({
        question: z.number().int().min(1).describe("Question number (1 = the first question)"),
        counts: z.array(count.max(1_000_000)).min(1).describe("People per choice, in the order of the question's choices"),
      }),
    )
    .max(100)
    .default([])
    .describe("Counts per choice per question"),
  comments: count.max(1_000_000).default(0).describe("Number of comments voiced at the meeting"),
  commentSummary: z.string().trim().max(4000).optional().describe("Summary of the comments (the officer's words)"),
});
export type OfflineFeedbackInput = z.infer<typeof offlineFeedbackBody>;

export interface OfflineFeedbackView {
  id: string;
  draftId: string;
  commune: { code: string; name: string };
  meetingDate: string;
  attendees: number;
  answers: { question: number; questionId: string; counts: number[] }[];
  comments: number;
  commentSummary: string | null;
  enteredBy: string;
  enteredAt: Date;
}

const localDate = (at: Date, timeZone: string) => localDateTime(at, timeZone).slice(0, 10);

/** The draft's target communes (every unit when it targets all). */
async function isTarget(db: DbOrTx, draft: DraftRow, code: string): Promise<boolean> {
  if (draft.targetAll) return true;
  const rows = await queryRows<{ ok: number }>(db, sql`select 1 as ok from draft_targets where draft_id = ${draft.id}::uuid and unit_code = ${code}`);
  return rows.length > 0;
}

/** Every refusal of the input against the draft, each naming its field (empty: acceptable). */
async function problemsOf(db: DbOrTx, draft: DraftRow, input: OfflineFeedbackInput, today: string, timeZone: string): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  const [unit] = await db.select({ code: adminUnits.code }).from(adminUnits).where(eq(adminUnits.code, input.commune)).limit(1);
  if (!unit) problems.push({ field: "commune", message: `no commune with code ${input.commune}` });
  else if (!(await isTarget(db, draft, input.commune))) problems.push({ field: "commune", message: "not a target commune of this draft" });

  if (input.meetingDate > today) problems.push({ field: "meetingDate", message: `in the future (today is ${today})` });
  const published = draft.publishedAt ? localDate(draft.publishedAt, timeZone) : null;
  if (published && input.meetingDate < published) problems.push({ field: "meetingDate", message: `before the draft was published (${published})` });

  const qs = await db.select().from(questions).where(eq(questions.draftId, draft.id)).orderBy(asc(questions.position));
  const seen = new Set<number>();
  let largest = 0;
  input.answers.forEach((a, i) => {
    const q = qs[a.question - 1];
    if (!q) {
      problems.push({ field: `answers.${i}.question`, message: `this draft has ${qs.length} question(s)` });
      return;
    }
    if (seen.has(a.question)) problems.push({ field: `answers.${i}.question`, message: `question ${a.question} given twice` });
    seen.add(a.question);
    if (a.counts.length > q.choices.length) {
      problems.push({ field: `answers.${i}.counts.${q.choices.length}`, message: `question ${a.question} has ${q.choices.length} choice(s)` });
    }
    largest = Math.max(largest, a.counts.reduce((s, n) => s + n, 0));
  });
  if (input.attendees < largest) problems.push({ field: "attendees", message: `fewer than the ${largest} answers given to one question` });
  return problems;
}

/** The draft's records as API views (only the record `onlyId` when given). */
async function toViews(db: DbOrTx, draftId: string, onlyId?: string): Promise<OfflineFeedbackView[]> {
  const qs = await db.select({ id: questions.id, position: questions.position }).from(questions).where(eq(questions.draftId, draftId)).orderBy(asc(questions.position));
  const number = new Map(qs.map((q, i) => [q.id, i + 1]));
  const rows = await db
    .select({ f: offlineFeedback, name: adminUnits.name })
    .from(offlineFeedback)
    .innerJoin(adminUnits, eq(adminUnits.code, offlineFeedback.unitCode))
    .where(onlyId ? eq(offlineFeedback.id, onlyId) : eq(offlineFeedback.draftId, draftId))
    .orderBy(asc(offlineFeedback.meetingDate), asc(offlineFeedback.enteredAt));
  return rows.map(({ f, name }) => ({
    id: f.id,
    draftId: f.draftId,
    commune: { code: f.unitCode, name },
    meetingDate: f.meetingDate,
    attendees: f.attendees,
    answers: f.counts.map((c) => ({ question: number.get(c.questionId) ?? 0, questionId: c.questionId, counts: c.counts })),
    comments: f.comments,
    commentSummary: f.commentSummary,
    enteredBy: f.enteredBy,
    enteredAt: f.enteredAt,
  }));
}

export interface OfflineFeedbackDeps {
  db: Db;
  timeZone: string;
  now?: () => Date;
}

/**
 * Record the opinions gathered at one meeting (drafter of the draft's agency, or admin). The draft
 * must have been published; every count is checked against the draft's questions; nothing is written
 * when any check fails. Audit-logged.
 */
export async function recordOfflineFeedback(deps: OfflineFeedbackDeps, actor: Actor, draftId: string, input: OfflineFeedbackInput): Promise<OfflineFeedbackView> {
  assertCanWrite(actor);
  const now = deps.now?.() ?? new Date();
  return deps.db.transaction(async (tx) => {
    const draft = await accessibleDraft(tx, actor, draftId);
    if (!draft.publishedAt || draft.status === "draft" || draft.status === "withdrawn") {
      throw conflict(`Offline feedback is recorded for a published draft; this one is ${draft.status}.`, [{ field: "id", message: `draft is ${draft.status}` }]);
    }
    const problems = await problemsOf(tx, draft, input, localDate(now, deps.timeZone), deps.timeZone);
    if (problems.length) throw unprocessable(`Invalid field ${problems[0]!.field}: ${problems[0]!.message}.`, problems);

    const qs = await tx.select({ id: questions.id, choices: questions.choices }).from(questions).where(eq(questions.draftId, draft.id)).orderBy(asc(questions.position));
    const counts = input.answers.map((a) => {
      const q = qs[a.question - 1]!;
      return { questionId: q.id, counts: q.choices.map((_c, i) => a.counts[i] ?? 0) };
    });
    const [row] = await tx
      .insert(offlineFeedback)
      .values({
        draftId: draft.id,
        unitCode: input.commune,
        meetingDate: input.meetingDate,
        attendees: input.attendees,
        counts,
        comments: input.comments,
        commentSummary: input.commentSummary || null,
        enteredBy: actor.label,
        enteredAt: now,
      })
      .returning({ id: offlineFeedback.id });
    await recordAudit(tx, {
      actor: actor.label,
      action: "offline-feedback.create",
      entityType: "draft",
      entityId: draft.id,
      details: { offlineFeedbackId: row!.id, commune: input.commune, meetingDate: input.meetingDate, attendees: input.attendees },
    });
    const [view] = await toViews(tx, draft.id, row!.id);
    return view!;
  });
}

/** A draft's offline feedback, oldest meeting first. */
export async function listOfflineFeedback(db: DbOrTx, draftId: string): Promise<OfflineFeedbackView[]> {
  return toViews(db, draftId);
}

/**
 * A subquery over offline feedback, one row per (record, question, choice) with its count:
 * `offline_counts(id, draft_id, unit_code, question_id, choice_index, n)`. `where` narrows the records
 * (a SQL condition on `o`, the offline_feedback row). Shared by the statistics, the exports and the report.
 */
export function offlineCountsSql(where: SQL): SQL {
  return sql`(
    select o.id, o.draft_id, o.unit_code, (q.value->>'questionId')::uuid as question_id,
      (c.ord - 1)::int as choice_index, c.n::int as n
    from offline_feedback o
    cross join lateral jsonb_array_elements(o.counts) q(value)
    cross join lateral jsonb_array_elements_text(q.value->'counts') with ordinality c(n, ord)
    where ${where}
  )`;
}

/** Offline figures of one place (a commune, a draft, an agency): meetings, attendees, answers, comments. */
export interface OfflineFigures {
  meetings: number;
  attendees: number;
  /** Sum of every count (one per person per question, as online answers are counted). */
  answers: number;
  comments: number;
}
export const noOffline = (): OfflineFigures => ({ meetings: 0, attendees: 0, answers: 0, comments: 0 });

/** One draft's offline figures per commune, and its counts per (question, choice). */
export async function draftOfflineFigures(db: DbOrTx, draftId: string) {
  const where = sql`o.draft_id = ${draftId}::uuid`;
  const perUnit = await queryRows<OfflineFigures & { unit_code: string }>(db, sql`
    select o.unit_code, count(*)::int as meetings, sum(o.attendees)::int as attendees, sum(o.comments)::int as comments,
      coalesce((select sum(x.n) from ${offlineCountsSql(where)} x where x.unit_code = o.unit_code), 0)::int as answers
    from offline_feedback o where ${where} group by o.unit_code`);
  const perChoice = await queryRows<{ question_id: string; choice_index: number; n: number }>(db, sql`
    select question_id, choice_index, sum(n)::int as n from ${offlineCountsSql(where)} x group by 1, 2`);
  const total = perUnit.reduce<OfflineFigures>(
    (a, r) => ({ meetings: a.meetings + r.meetings, attendees: a.attendees + r.attendees, answers: a.answers + r.answers, comments: a.comments + r.comments }),
    noOffline(),
  );
  return {
    total,
    byUnit: new Map(perUnit.map(({ unit_code, ...f }) => [unit_code, f])),
    byChoice: new Map(perChoice.map((r) => [`${r.question_id}:${r.choice_index}`, r.n])),
  };
}

/** One line of an export: the count of one choice of one question at one meeting. */
export interface OfflineExportRow {
  communeCode: string;
  communeName: string;
  meetingDate: string;
  attendees: number;
  questionNumber: number;
  question: string;
  choiceNumber: number;
  choice: string;
  count: number;
  /** The meeting's comments and their summary (on every line of that meeting). */
  comments: number;
  commentSummary: string | null;
}

/** A draft's offline feedback, one row per meeting × question × choice, for the feedback exports. */
export async function offlineExportRows(db: DbOrTx, draftId: string): Promise<OfflineExportRow[]> {
  const qs = await db.select().from(questions).where(eq(questions.draftId, draftId)).orderBy(asc(questions.position));
  const byId = new Map(qs.map((q, i) => [q.id, { number: i + 1, q }]));
  return (await toViews(db, draftId)).flatMap((v) =>
    v.answers.flatMap((a) => {
      const q = byId.get(a.questionId);
      if (!q) return [];
      return a.counts.map((count, i) => ({
        communeCode: v.commune.code, communeName: v.commune.name, meetingDate: v.meetingDate, attendees: v.attendees,
        questionNumber: q.number, question: q.q.text, choiceNumber: i + 1, choice: q.q.choices[i] ?? "", count,
        comments: v.comments, commentSummary: v.commentSummary,
      }));
    }),
  );
}
