import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "../../src/db/client.js";
import { agencies, answerHistory, answers, comments, deliveries, draftTargets, drafts, questions, subscribers } from "../../src/db/schema/index.js";
import { encodeAction } from "../../src/messages/actions.js";
import { enqueue } from "../../src/delivery/outbox.js";
import type { OutboundMessage } from "../../src/channels/message.js";

export interface DraftFixture {
  draftId: string;
  questionIds: string[];
}

/**
 * An open draft with questions, created directly in the database (the drafts API is another issue's).
 * `closed: true` makes one whose deadline has passed.
 */
export async function createOpenDraft(
  db: DbOrTx,
  opts: { units?: string[]; closed?: boolean; title?: string; questions?: { text: string; choices: string[]; allowComment?: boolean; article?: string }[] } = {},
): Promise<DraftFixture> {
  const [agency] = await db
    .insert(agencies)
    .values({ name: "Sở Tư pháp", nameKey: `so tu phap ${randomUUID()}` })
    .returning();
  const now = Date.now();
  const day = 86_400_000;
  const [d] = await db
    .insert(drafts)
    .values({
      title: opts.title ?? "Dự thảo quy định hỗ trợ nông dân",
      agencyId: agency!.id,
      requiresPolicyProposal: true,
      affectsRightsAndObligations: true,
      sensitiveOrContested: false,
      provinceWide: false,
      summaryNecessity: "Cần hỗ trợ nông dân vùng cao.",
      summaryMainContent: "Hỗ trợ giống cây trồng.",
      summaryRightsChanges: "Nông dân được nhận hỗ trợ mới.",
      summaryOther: null,
      fullTextUrl: "https://langson.gov.vn/du-thao/1",
      commentOpensAt: new Date(now - (opts.closed ? 40 : 1) * day),
      commentClosesAt: new Date(now + (opts.closed ? -1 : 30) * day),
      status: opts.closed ? "closed" : "open",
      targetAll: !opts.units,
      createdBy: "test",
    })
    .returning();
  if (opts.units) await db.insert(draftTargets).values(opts.units.map((unitCode) => ({ draftId: d!.id, unitCode })));
  const qs = opts.questions ?? [
    { text: "Bạn có đồng ý với mức hỗ trợ không?", choices: ["Đồng ý", "Không đồng ý"], allowComment: false },
    { text: "Thời điểm áp dụng nào hợp lý?", choices: ["Từ năm 2026", "Từ năm 2027", "Ý kiến khác"], allowComment: true, article: "Điều 3" },
  ];
  const rows = qs.length
    ? await db
        .insert(questions)
        .values(qs.map((q, i) => ({ draftId: d!.id, position: i + 1, text: q.text, choices: q.choices, allowComment: q.allowComment ?? true, article: q.article ?? null })))
        .returning()
    : [];
  return { draftId: d!.id, questionIds: rows.sort((a, b) => a.position - b.position).map((r) => r.id) };
}

/** The announcement a resident gets (what the broadcaster enqueues), with its three buttons. */
export function announcement(draftId: string): OutboundMessage {
  return {
    text: "📢 Lấy ý kiến dự thảo: Dự thảo quy định hỗ trợ nông dân",
    buttons: [
      [{ label: "Góp ý", action: encodeAction({ type: "answer", draftId }) }],
      [{ label: "Xem thêm", action: encodeAction({ type: "more", draftId }) }],
      [{ label: "Huỷ đăng ký", action: "unsub" }],
    ],
  };
}

/**
 * Enqueue the announcement for active subscribers of a channel, as the broadcaster would (bulk priority).
 * `notBeforeMs` holds the rows back from a running sender for that long (deterministic "queued" tests).
 */
export async function enqueueAnnouncement(db: Db, draftId: string, opts: { channel?: string; notBeforeMs?: number } = {}): Promise<number> {
  const channel = opts.channel ?? "sim";
  return db.transaction(async (tx) => {
    const subs = await tx.select().from(subscribers).where(and(eq(subscribers.channel, channel as "sim"), eq(subscribers.status, "active")));
    const n = await enqueue(tx, subs.map((s) => ({ subscriberId: s.id, channel, kind: "announcement", message: announcement(draftId) })));
    if (opts.notBeforeMs) {
      await tx
        .update(deliveries)
        .set({ nextAttemptAt: sql`now() + ${`${opts.notBeforeMs} milliseconds`}::interval` })
        .where(and(eq(deliveries.kind, "announcement"), eq(deliveries.state, "queued")));
    }
    return n;
  });
}

export async function subscriberOf(db: DbOrTx, externalId: string, channel = "sim") {
  const [s] = await db.select().from(subscribers).where(and(eq(subscribers.channel, channel as "sim"), eq(subscribers.externalId, externalId)));
  return s ?? null;
}

export async function answersOf(db: DbOrTx, subscriberId: string) {
  const current = await db.select().from(answers).where(eq(answers.subscriberId, subscriberId));
  const history = await db.select().from(answerHistory).where(eq(answerHistory.subscriberId, subscriberId)).orderBy(answerHistory.id);
  const notes = await db.select().from(comments).where(eq(comments.subscriberId, subscriberId)).orderBy(comments.createdAt);
  return { current, history, comments: notes };
}
