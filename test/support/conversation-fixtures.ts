import { randomUUID } from "node:crypto";
import { and, eq, sql, TransactionRollbackError } from "drizzle-orm";
import type { Db, DbOrTx } from "../../src/db/client.js";
import { agencies, answerHistory, answers, comments, deliveries, draftTargets, drafts, questions, subscribers, subscriptions } from "../../src/db/schema/index.js";
import { createBroadcaster } from "../../src/delivery/broadcast.js";
import { enqueue } from "../../src/delivery/outbox.js";
import type { OutboundMessage } from "../../src/channels/message.js";
import type { InboundEvent } from "../../src/channels/adapter.js";
import { watchResidentText } from "./log-watch.js";

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

/**
 * The announcement a resident gets, as the service's broadcaster composes it (text, buttons and their actions
 * in the resident's locale): read back from a publication made for a probe resident and rolled back, so
 * nothing of it stays (no broadcast, no relay, no delivery).
 */
export async function composedAnnouncement(db: Db, draftId: string, locale = "vi"): Promise<OutboundMessage> {
  let message: OutboundMessage | undefined;
  try {
    await db.transaction(async (tx) => {
      const [target] = await tx.select({ code: draftTargets.unitCode }).from(draftTargets).where(eq(draftTargets.draftId, draftId)).limit(1);
      const [probe] = await tx.insert(subscribers).values({ channel: "sim", externalId: `probe-${randomUUID()}`, status: "active", locale }).returning();
      await tx.insert(subscriptions).values({ subscriberId: probe!.id, unitCode: target?.code ?? "05977", role: "resident" });
      await createBroadcaster({ timeZone: "Asia/Ho_Chi_Minh" }).draftPublished(tx, draftId, "test");
      const [row] = await tx.select().from(deliveries).where(and(eq(deliveries.subscriberId, probe!.id), eq(deliveries.kind, "announcement")));
      message = row?.message;
      tx.rollback();
    });
  } catch (err) {
    if (!(err instanceof TransactionRollbackError)) throw err;
  }
  if (!message) throw new Error(`the broadcaster composed no announcement for draft ${draftId}`);
  return message;
}

/**
 * Enqueue the announcement for active subscribers of a channel, as the broadcaster would (bulk priority).
 * `notBeforeMs` holds the rows back from a running sender for that long (deterministic "queued" tests).
 */
export async function enqueueAnnouncement(db: Db, draftId: string, opts: { channel?: string; notBeforeMs?: number } = {}): Promise<number> {
  const channel = opts.channel ?? "sim";
  const message = await composedAnnouncement(db, draftId);
  return db.transaction(async (tx) => {
    const subs = await tx.select().from(subscribers).where(and(eq(subscribers.channel, channel as "sim"), eq(subscribers.status, "active")));
    const n = await enqueue(tx, subs.map((s) => ({ subscriberId: s.id, channel, kind: "announcement", message })));
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

/** Anything that handles inbound events as the conversations do (the inbound processor). */
export interface EventSink {
  handle(events: InboundEvent[]): Promise<{ replies: OutboundMessage[] }[]>;
}

/**
 * A resident talking to the conversations through the simulator channel: `say` types, `press` presses a
 * button, `subscribe` joins Phường Đông Kinh by its old name "mai pha" and accepts the notice. Every event
 * gets a fresh update key (prefixed, so two drivers in one database never collide).
 */
export function residentDriver(inbound: EventSink, prefix: string, opts: { displayName?: (user: string) => string | undefined } = {}) {
  let n = 0;
  const base = (user: string) => ({ channel: "sim" as const, externalId: user, displayName: opts.displayName?.(user), updateKey: `${prefix}${++n}`, at: new Date() });
  const send = async (event: InboundEvent) => (await inbound.handle([event]))[0]!;
  const say = (user: string, text: string) => {
    watchResidentText(text);
    return send({ ...base(user), type: "text", text });
  };
  const press = (user: string, action: string) => send({ ...base(user), type: "action", action });
  const actions = (m: OutboundMessage | undefined) => (m?.buttons ?? []).flat().map((b) => b.action);
  const subscribe = async (user: string) => {
    await say(user, "/start");
    const confirm = await say(user, "mai pha");
    await press(user, actions(confirm.replies[0])[0]!);
    await press(user, "consent:yes");
  };
  return { send, say, press, actions, subscribe };
}
