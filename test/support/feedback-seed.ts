import type { Db } from "../../src/db/client.js";
import {
  answerHistory, answers, comments, draftTargets, drafts, questions, subscribers, subscriptions,
  type SubscriberStatus, type SubscriptionRole,
} from "../../src/db/schema/index.js";
import { findOrCreateAgency } from "../../src/domain/agencies.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const DONG_KINH = "05977";
export const LUONG_VAN_TRI = "05983";
export const TAM_THANH = "05986";

/**
 * A closed draft of agency "Sở Tư pháp" targeting Đông Kinh and Lương Văn Tri, with feedback:
 *
 * | who | communes (resident unless said) | feedback |
 * |---|---|---|
 * | s1 | Đông Kinh + Lương Văn Tri | Q1=0 (Đông Kinh), Q2=1 (commune not recorded) |
 * | s2 | Đông Kinh | Q1=1, a comment on Q1 |
 * | s3 | Lương Văn Tri | Q1=0 on time, then changed to 2 after the deadline (late) |
 * | s4 | Lương Văn Tri | only late: Q1=1, and a late comment |
 * | s5 | Đông Kinh, stopped | — |
 * | s6 | Đông Kinh, propagandist only | — |
 * | s7 | Tam Thanh (not a target) | — |
 */
export async function seedFeedback(db: Db) {
  const now = Date.now();
  const at = (msAgo: number) => new Date(now - msAgo);
  const agency = (await findOrCreateAgency(db, "Sở Tư pháp"))!;
  const other = (await findOrCreateAgency(db, "Sở Tài chính"))!;
  const [draft] = await db
    .insert(drafts)
    .values({
      code: "NQ 12/2025",
      title: "Dự thảo Nghị quyết về phí tham quan",
      agencyId: agency.id,
      requiresPolicyProposal: true,
      affectsRightsAndObligations: true,
      sensitiveOrContested: false,
      provinceWide: false,
      summaryNecessity: "n",
      summaryMainContent: "m",
      summaryRightsChanges: "r",
      fullTextUrl: "https://example.gov.vn/nq.pdf",
      commentOpensAt: at(40 * DAY),
      commentClosesAt: at(1 * DAY),
      status: "closed",
      publishedAt: at(40 * DAY),
      closedAt: at(1 * DAY),
      createdBy: "test",
    })
    .returning();
  const [otherDraft] = await db
    .insert(drafts)
    .values({
      title: "Dự thảo của sở khác",
      agencyId: other.id,
      requiresPolicyProposal: false,
      affectsRightsAndObligations: false,
      sensitiveOrContested: false,
      provinceWide: false,
      summaryNecessity: "n",
      summaryMainContent: "m",
      summaryRightsChanges: "r",
      fullTextUrl: "https://example.gov.vn/x.pdf",
      commentOpensAt: at(10 * DAY),
      commentClosesAt: at(-30 * DAY),
      targetAll: true,
      status: "open",
      createdBy: "test",
    })
    .returning();
  await db.insert(draftTargets).values([
    { draftId: draft!.id, unitCode: DONG_KINH },
    { draftId: draft!.id, unitCode: LUONG_VAN_TRI },
  ]);
  const [q1, q2] = await db
    .insert(questions)
    .values([
      { draftId: draft!.id, position: 1, text: "Bạn có đồng ý với mức phí?", article: "Điều 3", choices: ["Đồng ý", "Không đồng ý", "Ý kiến khác"] },
      { draftId: draft!.id, position: 2, text: "Miễn phí cho người cao tuổi?", choices: ["Có", "Không"] },
    ])
    .returning();

  const sub = async (name: string, status: SubscriberStatus, subs: [string, SubscriptionRole][]) => {
    const [s] = await db
      .insert(subscribers)
      .values({ channel: "telegram", externalId: `ext-${name}-${now}`, displayName: name, status })
      .returning();
    if (subs.length) await db.insert(subscriptions).values(subs.map(([unitCode, role]) => ({ subscriberId: s!.id, unitCode, role })));
    return s!;
  };
  const s1 = await sub("s1", "active", [[DONG_KINH, "resident"], [LUONG_VAN_TRI, "resident"]]);
  const s2 = await sub("s2", "active", [[DONG_KINH, "resident"]]);
  const s3 = await sub("s3", "active", [[LUONG_VAN_TRI, "resident"]]);
  const s4 = await sub("s4", "active", [[LUONG_VAN_TRI, "resident"]]);
  const s5 = await sub("s5", "stopped", [[DONG_KINH, "resident"]]);
  const s6 = await sub("s6", "active", [[DONG_KINH, "propagandist"]]);
  const s7 = await sub("s7", "active", [[TAM_THANH, "resident"]]);

  const d = draft!.id;
  const ans = (questionId: string, subscriberId: string, choiceIndex: number, unitCode: string | null, when: Date) => ({
    questionId, subscriberId, draftId: d, choiceIndex, unitCode, channel: "telegram", createdAt: when, updatedAt: when,
  });
  await db.insert(answers).values([
    ans(q1!.id, s1.id, 0, DONG_KINH, at(5 * DAY)),
    ans(q2!.id, s1.id, 1, null, at(5 * DAY)),
    ans(q1!.id, s2.id, 1, DONG_KINH, at(4 * DAY)),
    // s3 changed the answer after the deadline: the current row is late.
    ans(q1!.id, s3.id, 2, LUONG_VAN_TRI, at(1 * HOUR)),
  ]);
  const hist = (questionId: string, subscriberId: string, choiceIndex: number, unitCode: string | null, when: Date, late = false) => ({
    questionId, subscriberId, draftId: d, choiceIndex, unitCode, channel: "telegram", at: when, late,
  });
  await db.insert(answerHistory).values([
    hist(q1!.id, s1.id, 0, DONG_KINH, at(5 * DAY)),
    hist(q2!.id, s1.id, 1, null, at(5 * DAY)),
    hist(q1!.id, s2.id, 1, DONG_KINH, at(4 * DAY)),
    hist(q1!.id, s3.id, 0, LUONG_VAN_TRI, at(3 * DAY)),
    hist(q1!.id, s3.id, 2, LUONG_VAN_TRI, at(1 * HOUR), true),
    // s4 answered only after the deadline: kept in the history, flagged late.
    hist(q1!.id, s4.id, 1, LUONG_VAN_TRI, at(2 * HOUR), true),
  ]);
  await db.insert(comments).values([
    {
      draftId: d, subscriberId: s2.id, questionId: q1!.id, unitCode: DONG_KINH, channel: "telegram",
      text: 'Mức phí "20.000đ", hơi cao,\nnên giảm cho học sinh', createdAt: at(4 * DAY), moderation: "flagged",
    },
    { draftId: d, subscriberId: s4.id, unitCode: LUONG_VAN_TRI, channel: "zalo-oa", article: "Điều 5", text: "=HYPERLINK(\"x\") góp ý muộn", late: true, createdAt: at(2 * HOUR) },
  ]);
  return { draft: draft!, otherDraft: otherDraft!, agency, other, q1: q1!, q2: q2!, s: { s1, s2, s3, s4, s5, s6, s7 } };
}
