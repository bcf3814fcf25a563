import type { Db } from "../../src/db/client.js";
import { answers, broadcasts, comments, deliveries, drafts, questions, relays, subscribers, subscriptions } from "../../src/db/schema/index.js";
import { recordOfflineFeedback } from "../../src/domain/offline-feedback.js";
import { localDateTime } from "../../src/text/local-time.js";
import { DONG_KINH, LUONG_VAN_TRI, TAM_THANH, seedFeedback } from "../support/feedback-seed.js";

const DAY = 86_400_000;
export const TZ = "Asia/Ho_Chi_Minh";

/**
 * The feedback seed (draft A of Sở Tư pháp, closed, 39-day period) plus, for the annual report:
 *
 * - draft B of Sở Tài chính, published with draft A (so both fall in one report year whatever the date):
 *   high impact (all four criteria), every commune, a 25-day period with its
 *   reason, open; answered by s1 on Telegram (Đông Kinh) and by s8 on Zalo OA (Tam Thanh), who also
 *   comments (explained);
 * - on draft A: an accepted comment by s1 (Đông Kinh); a broadcast whose deliveries are sent (s1),
 *   failed (s2), queued (s4) on Telegram and outside the window (s3) on Zalo OA; two relays (Đông
 *   Kinh confirmed, Lương Văn Tri not); one offline meeting in Đông Kinh (40 people, Q1 25/10/2,
 *   Q2 30/6, 4 comments).
 */
export async function seedReport(db: Db) {
  const base = await seedFeedback(db);
  const now = Date.now();
  const at = (msAgo: number) => new Date(now - msAgo);
  const { s1, s2, s3, s4, s6, s7 } = base.s;

  const [s8] = await db.insert(subscribers).values({ channel: "zalo-oa", externalId: `z8-${now}`, status: "active" }).returning();
  await db.insert(subscriptions).values({ subscriberId: s8!.id, unitCode: TAM_THANH, role: "resident" });

  const [b] = await db.insert(drafts).values({
    code: "QĐ 7/2026", title: "Dự thảo Quyết định về hỗ trợ nông dân", agencyId: base.other.id,
    requiresPolicyProposal: true, affectsRightsAndObligations: true, sensitiveOrContested: true, provinceWide: true,
    summaryNecessity: "n", summaryMainContent: "m", summaryRightsChanges: "r", fullTextUrl: "https://example.gov.vn/qd.pdf",
    commentOpensAt: at(20 * DAY), commentClosesAt: at(-5 * DAY), targetAll: true, status: "open",
    shortenedPeriodReason: "Thiên tai, cần ban hành gấp", publishedAt: base.draft.publishedAt, createdBy: "test",
  }).returning();
  const [bq] = await db.insert(questions).values({ draftId: b!.id, position: 1, text: "Đồng ý mức hỗ trợ?", choices: ["Có", "Không"] }).returning();
  const when = at(1 * DAY);
  await db.insert(answers).values([
    { questionId: bq!.id, subscriberId: s1.id, draftId: b!.id, choiceIndex: 0, unitCode: DONG_KINH, channel: "telegram", createdAt: when, updatedAt: when },
    { questionId: bq!.id, subscriberId: s8!.id, draftId: b!.id, choiceIndex: 1, unitCode: TAM_THANH, channel: "zalo-oa", createdAt: when, updatedAt: when },
  ]);
  await db.insert(comments).values([
    { draftId: b!.id, subscriberId: s8!.id, unitCode: TAM_THANH, channel: "zalo-oa", text: "Nên tăng mức hỗ trợ", handling: "explained", createdAt: when },
    { draftId: base.draft.id, subscriberId: s1.id, unitCode: DONG_KINH, channel: "telegram", text: "Đồng ý", handling: "accepted", createdAt: at(6 * DAY) },
  ]);

  const [bc] = await db.insert(broadcasts).values({ draftId: base.draft.id, kind: "announcement", createdBy: "test", total: 4 }).returning();
  const msg = { text: "x" };
  await db.insert(deliveries).values([
    { broadcastId: bc!.id, subscriberId: s1.id, channel: "telegram", kind: "announcement", message: msg, state: "sent" },
    { broadcastId: bc!.id, subscriberId: s2.id, channel: "telegram", kind: "announcement", message: msg, state: "failed" },
    { broadcastId: bc!.id, subscriberId: s4.id, channel: "telegram", kind: "announcement", message: msg, state: "queued" },
    { broadcastId: bc!.id, subscriberId: s3.id, channel: "zalo-oa", kind: "announcement", message: msg, state: "outside_window" },
  ]);
  await db.insert(relays).values([
    { draftId: base.draft.id, subscriberId: s6.id, unitCode: DONG_KINH, sentAt: at(30 * DAY), confirmedAt: at(29 * DAY) },
    { draftId: base.draft.id, subscriberId: s7.id, unitCode: LUONG_VAN_TRI, sentAt: at(30 * DAY) },
  ]);
  await recordOfflineFeedback({ db, timeZone: TZ }, { label: "test", role: "admin", agencyId: null }, base.draft.id, {
    commune: DONG_KINH,
    meetingDate: localDateTime(at(10 * DAY), TZ).slice(0, 10),
    attendees: 40,
    answers: [{ question: 1, counts: [25, 10, 2] }, { question: 2, counts: [30, 6] }],
    comments: 4,
    commentSummary: "Đề nghị giảm phí.",
  });
  return { ...base, draftB: b!, s8: s8!, year: Number(localDateTime(base.draft.publishedAt!, TZ).slice(0, 4)) };
}
