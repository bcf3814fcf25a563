import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Db } from "../../src/db/client.js";
import { agencies, answers, deliveries, drafts, draftTargets, officers, questions, subscribers, subscriptions, type SubscriberStatus } from "../../src/db/schema/index.js";
import type { OutboundMessage } from "../../src/channels/message.js";

/** Fixtures for the timed duties: an agency, an open draft, residents, answers, officers in chat. */

/** A local time in Vietnam (UTC+7, no daylight saving). */
export const vn = (local: string) => new Date(`${local}+07:00`);

export async function agency(db: Db, name = `Sở Tư pháp ${randomUUID().slice(0, 6)}`) {
  const [a] = await db.insert(agencies).values({ name, nameKey: name.toLowerCase() }).returning();
  return a!;
}

export async function openDraft(
  db: Db,
  opts: { agencyId: string; closesAt: Date; units: string[]; questions?: number; title?: string; reminderDays?: number[] | null; status?: "open" | "closed"; closedAt?: Date },
) {
  const [d] = await db
    .insert(drafts)
    .values({
      title: opts.title ?? "Dự thảo Nghị quyết về phí thu gom rác thải",
      agencyId: opts.agencyId,
      requiresPolicyProposal: true, affectsRightsAndObligations: true, sensitiveOrContested: false, provinceWide: false,
      summaryNecessity: "n", summaryMainContent: "m", summaryRightsChanges: "r", fullTextUrl: "https://langson.gov.vn/dt.pdf",
      commentOpensAt: new Date(opts.closesAt.getTime() - 40 * 86_400_000), commentClosesAt: opts.closesAt,
      status: opts.status ?? "open", closedAt: opts.closedAt ?? null, reminderDays: opts.reminderDays ?? null, createdBy: "test",
    })
    .returning();
  for (const u of opts.units) await db.insert(draftTargets).values({ draftId: d!.id, unitCode: u });
  const qs = [];
  for (let i = 1; i <= (opts.questions ?? 2); i++) {
    const [q] = await db.insert(questions).values({ draftId: d!.id, position: i, text: `Câu hỏi số ${i}?`, choices: ["Đồng ý", "Không đồng ý"] }).returning();
    qs.push(q!);
  }
  return { draft: d!, questions: qs };
}

export async function resident(db: Db, unit: string, opts: { status?: SubscriberStatus; locale?: string; role?: "resident" | "propagandist" } = {}) {
  const [s] = await db.insert(subscribers).values({ channel: "sim", externalId: randomUUID(), status: opts.status ?? "active", locale: opts.locale ?? "vi", consentAt: new Date() }).returning();
  await db.insert(subscriptions).values({ subscriberId: s!.id, unitCode: unit, role: opts.role ?? "resident" });
  return s!;
}

export async function answer(db: Db, draftId: string, questionId: string, subscriberId: string, choiceIndex: number, unitCode: string, at: Date) {
  await db.insert(answers).values({ draftId, questionId, subscriberId, choiceIndex, unitCode, channel: "sim", createdAt: at, updatedAt: at });
}

export async function officerInChat(db: Db, agencyId: string | null, locale = "vi") {
  const [s] = await db.insert(subscribers).values({ channel: "sim", externalId: randomUUID(), status: "active", locale, consentAt: new Date() }).returning();
  await db.insert(officers).values({ agencyId, name: "Cán bộ", subscriberId: s!.id });
  return s!;
}

/** The messages of a kind queued for one person. */
export async function messagesTo(db: Db, subscriberId: string, kind: string): Promise<OutboundMessage[]> {
  const rows = await db.select().from(deliveries).where(and(eq(deliveries.subscriberId, subscriberId), eq(deliveries.kind, kind)));
  return rows.map((r) => r.message);
}
