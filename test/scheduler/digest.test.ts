import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { createResidentTurns } from "../../src/domain/residents/turns.js";
import { createInboundProcessor } from "../../handlers/inbound.js";
import { loadConfig } from "../../src/config.js";
import { noBroadcast } from "../../src/delivery/broadcaster.js";
import type { Database, Db } from "../../src/db/client.js";
import {
  answers, broadcasts, comments, deliveries, draftTargets, drafts, officers, questions, relays, subscribers, subscriptions,
  type SubscriberStatus,
} from "../../src/db/schema/index.js";
import { findOrCreateAgency } from "../../src/domain/agencies.js";
import { createInvite } from "../../src/domain/invites.js";
import { draftStats } from "../../src/domain/stats.js";
import { createScheduler } from "../../scheduler/scheduler.js";
import { dailyCron, digestJob } from "../../scheduler/jobs/digest.js";
import { createTestDatabase, databaseKinds, quietLogger } from "../support/database.js";
import { DONG_KINH, LUONG_VAN_TRI } from "../support/feedback-seed.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** 17:00 in Vietnam (UTC+7) on 10/03/2031: the digest slot under test. */
const T = new Date(Date.UTC(2031, 2, 10, 10, 0, 0));
const before = (ms: number) => new Date(T.getTime() - ms);

describe.each(databaseKinds)("scheduler: officers' daily digest on %s", (kind) => {
  let database: Database;
  let db: Db;
  const config = loadConfig({ NODE_ENV: "test" });
  let kicks = 0;
  const job = digestJob({ broadcaster: { ...noBroadcast, kick: () => void kicks++ } });
  const run = (now: Date) => job.run({ db, logger: quietLogger(), config, now }) as Promise<{ officers: number; drafts: string[]; skipped?: string }>;

  beforeEach(async () => {
    database = await createTestDatabase(kind);
    db = database.db;
    kicks = 0;
  });
  afterEach(async () => {
    await database.close();
  });

  let n = 0;
  /** An officer joins in chat through the real invite flow (/start i_<code>, consent). */
  async function officerJoins(user: string, actor: { agencyId: string | null; role: "admin" | "drafter" }, agency?: string) {
    const invite = await createInvite(db, { label: "test", ...actor }, { role: "officer", communes: [], ...(agency ? { agency } : {}) });
    const inbound = createInboundProcessor({ turns: createResidentTurns({ db }), logger: quietLogger(), kick: () => undefined, timeZone: config.TZ_NAME, sendDirect: () => Promise.resolve() });
    const base = () => ({ channel: "sim" as const, externalId: user, updateKey: `u${++n}`, at: new Date() });
    await inbound.handle([{ ...base(), type: "text", text: `/start ${invite.deepLinkPayload}` }]);
    const [r] = await inbound.handle([{ ...base(), type: "action", action: "consent:yes" }]);
    expect(r!.replies[0]!.text).toContain("vai trò cán bộ");
    const [s] = await db.select().from(subscribers).where(and(eq(subscribers.channel, "sim"), eq(subscribers.externalId, user)));
    return { subscriber: s!, invite };
  }

  async function openDraft(agencyId: string, title: string, opts: { status?: "open" | "closed" | "scheduled" } = {}) {
    const [d] = await db
      .insert(drafts)
      .values({
        title, agencyId, requiresPolicyProposal: true, affectsRightsAndObligations: true, sensitiveOrContested: false, provinceWide: false,
        summaryNecessity: "n", summaryMainContent: "m", summaryRightsChanges: "r", fullTextUrl: "https://langson.gov.vn/dt.pdf",
        commentOpensAt: before(5 * DAY), commentClosesAt: new Date(T.getTime() + 20 * DAY), status: opts.status ?? "open", createdBy: "test",
      })
      .returning();
    await db.insert(draftTargets).values([{ draftId: d!.id, unitCode: DONG_KINH }, { draftId: d!.id, unitCode: LUONG_VAN_TRI }]);
    const [q1, q2] = await db
      .insert(questions)
      .values([
        { draftId: d!.id, position: 1, text: "Bạn có đồng ý với mức phí?", choices: ["Đồng ý", "Không đồng ý"] },
        { draftId: d!.id, position: 2, text: "Miễn phí cho người cao tuổi?", choices: ["Có", "Không"] },
      ])
      .returning();
    return { draft: d!, q1: q1!, q2: q2! };
  }

  async function person(name: string, unit: string, role: "resident" | "propagandist" = "resident", status: SubscriberStatus = "active", channel: "sim" | "zalo-oa" = "sim") {
    const [s] = await db.insert(subscribers).values({ channel, externalId: `ext-${name}`, displayName: name, status }).returning();
    await db.insert(subscriptions).values({ subscriberId: s!.id, unitCode: unit, role });
    return s!;
  }

  const digestsOf = (subscriberId: string) =>
    db.select().from(deliveries).where(and(eq(deliveries.subscriberId, subscriberId), eq(deliveries.kind, "digest"))).orderBy(deliveries.id);

  async function agencies() {
    const tuPhap = (await findOrCreateAgency(db, "Sở Tư pháp"))!;
    const taiChinh = (await findOrCreateAgency(db, "Sở Tài chính"))!;
    return { tuPhap, taiChinh };
  }

  it("sends each officer one digest with new answers per choice, participation, comments, flags, days left, people out of reach and late scripts", async () => {
    const { tuPhap, taiChinh } = await agencies();
    const { draft, q1, q2 } = await openDraft(tuPhap.id, "Dự thảo Nghị quyết về phí tham quan");
    // A drafter's officer invite records the drafter's agency; an admin's without an agency: every agency.
    const offA = await officerJoins("off-a", { agencyId: tuPhap.id, role: "drafter" });
    expect(offA.invite.agency).toEqual({ id: tuPhap.id, name: "Sở Tư pháp" });
    const offAll = await officerJoins("off-all", { agencyId: taiChinh.id, role: "admin" });
    expect(offAll.invite.agency).toBeNull();
    await db.update(subscribers).set({ locale: "en" }).where(eq(subscribers.id, offAll.subscriber.id));
    const offB = await officerJoins("off-b", { agencyId: null, role: "admin" }, "so tai chinh");
    expect((await db.select().from(officers)).map((o) => [o.subscriberId, o.agencyId]).sort()).toEqual(
      [[offA.subscriber.id, tuPhap.id], [offAll.subscriber.id, null], [offB.subscriber.id, taiChinh.id]].sort(),
    );

    const r1 = await person("r1", DONG_KINH);
    const r2 = await person("r2", DONG_KINH);
    const r3 = await person("r3", LUONG_VAN_TRI);
    const r4 = await person("r4", LUONG_VAN_TRI, "resident", "active", "zalo-oa");
    const r5 = await person("r5", DONG_KINH, "resident", "gone");
    const p1 = await person("p1", DONG_KINH, "propagandist");
    const p2 = await person("p2", LUONG_VAN_TRI, "propagandist");
    const p3 = await person("p3", LUONG_VAN_TRI, "propagandist");

    const answer = (questionId: string, subscriberId: string, choiceIndex: number, unitCode: string, at: Date) =>
      db.insert(answers).values({ questionId, subscriberId, draftId: draft.id, choiceIndex, unitCode, channel: "sim", createdAt: at, updatedAt: at });
    const comment = (subscriberId: string, unitCode: string, text: string, at: Date, moderation: "visible" | "flagged" | "hidden" = "visible") =>
      db.insert(comments).values({ draftId: draft.id, subscriberId, unitCode, channel: "sim", text, createdAt: at, moderation });

    // Before yesterday's digest: one answer and one comment.
    await answer(q1.id, r1.id, 0, DONG_KINH, before(3 * DAY));
    await comment(r1.id, DONG_KINH, "Ý kiến cũ đã báo hôm trước", before(3 * DAY));

    const yesterday = before(DAY);
    expect(await run(yesterday)).toEqual({ officers: 2, drafts: [draft.id] });
    const [first] = await digestsOf(offA.subscriber.id);
    expect(first!.message.text).toContain("📊 Báo cáo góp ý ngày 09/03/2031: 1 dự thảo đang lấy ý kiến.");
    expect(first!.message.text).toContain("🗳 Trả lời từ khi mở lấy ý kiến: 1.");
    expect(kicks).toBe(1);

    // Since yesterday's digest: two new answers, a changed one, comments of every kind.
    await answer(q1.id, r2.id, 0, DONG_KINH, before(5 * HOUR));
    await answer(q1.id, r3.id, 1, LUONG_VAN_TRI, before(4 * HOUR));
    await answer(q2.id, r3.id, 1, LUONG_VAN_TRI, before(4 * HOUR));
    const long = "Mức phí 20.000 đồng là hơi cao so với thu nhập của bà con vùng cao, nên giảm cho học sinh, người cao tuổi và người có công; đề nghị cân nhắc thêm.";
    await comment(r2.id, DONG_KINH, long, before(3 * HOUR));
    await comment(r3.id, LUONG_VAN_TRI, "Đồng ý\nvới dự thảo", before(2 * HOUR));
    await comment(r1.id, DONG_KINH, "Nội dung xúc phạm", before(HOUR), "flagged");
    await comment(r3.id, LUONG_VAN_TRI, "Quảng cáo rác", before(HOUR), "hidden");
    // The announcement: r1 and r2 got it, r4 is outside the Zalo OA window, r5 blocked the bot; r3 still queued.
    const [ann] = await db.insert(broadcasts).values({ draftId: draft.id, kind: "announcement", createdBy: "test", createdAt: before(5 * DAY) }).returning();
    await db.insert(deliveries).values([
      { broadcastId: ann!.id, subscriberId: r1.id, channel: "sim", kind: "announcement", message: { text: "x" }, state: "sent" },
      { broadcastId: ann!.id, subscriberId: r2.id, channel: "sim", kind: "announcement", message: { text: "x" }, state: "sent" },
      { broadcastId: ann!.id, subscriberId: r3.id, channel: "sim", kind: "announcement", message: { text: "x" }, state: "queued" },
      { broadcastId: ann!.id, subscriberId: r4.id, channel: "zalo-oa", kind: "announcement", message: { text: "x" }, state: "outside_window", errorKind: "outside_window" },
      { broadcastId: ann!.id, subscriberId: r5.id, channel: "sim", kind: "announcement", message: { text: "x" }, state: "failed", errorKind: "recipient_gone" },
    ]);
    // Scripts: p1 unconfirmed for 49 h (late), p2 confirmed, p3 sent 10 h ago.
    await db.insert(relays).values([
      { draftId: draft.id, subscriberId: p1.id, unitCode: DONG_KINH, sentAt: before(49 * HOUR) },
      { draftId: draft.id, subscriberId: p2.id, unitCode: LUONG_VAN_TRI, sentAt: before(49 * HOUR), confirmedAt: before(30 * HOUR), readAt: "08:00" },
      { draftId: draft.id, subscriberId: p3.id, unitCode: LUONG_VAN_TRI, sentAt: before(10 * HOUR) },
    ]);

    expect(await run(T)).toEqual({ officers: 2, drafts: [draft.id] });
    const mine = await digestsOf(offA.subscriber.id);
    expect(mine).toHaveLength(2);
    const today = mine[1]!;
    expect(today).toMatchObject({ channel: "sim", priority: 10, state: "queued" });
    expect(today.message.buttons).toBeUndefined();
    const lines = today.message.text.split("\n");
    expect(lines.slice(0, 13)).toEqual([
      "📊 Báo cáo góp ý ngày 10/03/2031: 1 dự thảo đang lấy ý kiến.",
      "",
      "📄 Dự thảo Nghị quyết về phí tham quan",
      "⏳ Còn 20 ngày (hạn 30/03/2031 17:00).",
      // r1, r2, r3 answered (r5 is gone, so 4 active subscribers: r1–r4).
      "👥 Tham gia: 3/4 người đăng ký (75%).",
      "🗳 Trả lời mới từ 09/03/2031 17:00: 3.",
      "Câu 1. Bạn có đồng ý với mức phí?",
      "  • Đồng ý: +1 (tổng 2)",
      "  • Không đồng ý: +1 (tổng 1)",
      "Câu 2. Miễn phí cho người cao tuổi?",
      "  • Có: +0 (tổng 0)",
      "  • Không: +1 (tổng 1)",
      "🏘 Theo xã/phường: Phường Đông Kinh 2/2; Phường Lương Văn Tri 1/2",
    ]);
    const rest = lines.slice(13);
    // New since yesterday: the long one and r3's; the flagged one is held (only in the flagged line), the hidden one
    // left out; quoted: visible ones only, newest first.
    expect(rest[0]).toBe("💬 Ý kiến mới: 2.");
    expect(rest[1]).toBe("  – «Đồng ý với dự thảo» (Phường Lương Văn Tri)");
    expect(rest[2]).toMatch(/^ {2}– «Mức phí 20\.000 đồng là hơi cao .{20,}…» \(Phường Đông Kinh\)$/);
    expect(rest[2]!.length).toBeLessThan(long.length);
    expect(rest.slice(3)).toEqual([
      "🚩 Ý kiến bị gắn cờ chờ xem xét: 1.",
      "📵 Chưa gửi tới được: 1 người quá 7 ngày không nhắn Zalo OA, 1 người đã chặn hoặc bỏ theo dõi, 0 người gửi lỗi.",
      "📣 Bài đọc trên loa chưa xác nhận sau 48 giờ: 1 (Phường Đông Kinh).",
    ]);
    expect(today.message.text).not.toContain("Nội dung xúc phạm");
    expect(today.message.text).not.toContain("Quảng cáo rác");
    expect(today.message.text).not.toContain("Ý kiến cũ");

    // The officer who reads English gets the same figures in English.
    const [en] = (await digestsOf(offAll.subscriber.id)).slice(-1);
    expect(en!.message.text).toContain("📊 Feedback digest for 10/03/2031: 1 draft(s) open for comment.");
    expect(en!.message.text).toContain("  • Đồng ý: +1 (total 2)");
    expect(en!.message.text).toContain("📵 Not reached: 1 outside the Zalo OA 7-day window, 1 blocked or unfollowed, 0 failed.");
    // Sở Tài chính's officer has no open draft: nothing.
    expect(await digestsOf(offB.subscriber.id)).toEqual([]);

    // The digest is one broadcast of kind "digest" per day, with one delivery per officer.
    const digestBroadcasts = await db.select().from(broadcasts).where(eq(broadcasts.kind, "digest")).orderBy(broadcasts.createdAt);
    expect(digestBroadcasts.map((b) => [b.createdAt.toISOString(), b.total, b.draftId])).toEqual([
      [yesterday.toISOString(), 2, null],
      [T.toISOString(), 2, null],
    ]);

    // The same out-of-reach figures are in the draft's statistics (GET /api/v1/drafts/{id}/stats).
    expect((await draftStats(db, draft)).outOfReach).toEqual({ outsideWindow: 1, gone: 1, failed: 0 });
  });

  it("holds a flagged comment out of the new comments: it is counted on the flagged line only, until an officer looks", async () => {
    const { tuPhap } = await agencies();
    const { draft } = await openDraft(tuPhap.id, "Dự thảo về chợ đêm");
    const off = await officerJoins("off-a", { agencyId: tuPhap.id, role: "drafter" });
    const r1 = await person("r1", DONG_KINH);
    const [flagged] = await db.insert(comments)
      .values({ draftId: draft.id, subscriberId: r1.id, unitCode: DONG_KINH, channel: "sim", text: "Gọi 0912345678 để mua vé rẻ", createdAt: before(HOUR), moderation: "flagged" })
      .returning();
    expect(await run(T)).toEqual({ officers: 1, drafts: [draft.id] });
    const [held] = await digestsOf(off.subscriber.id);
    const lines = held!.message.text.split("\n");
    expect(lines).toContain("💬 Ý kiến mới: 0.");
    expect(lines).toContain("🚩 Ý kiến bị gắn cờ chờ xem xét: 1.");
    expect(held!.message.text).not.toContain("0912345678");

    // An officer looks and lets it stand: the next day's digest has no flagged line.
    await db.update(comments).set({ moderation: "visible" }).where(eq(comments.id, flagged!.id));
    expect(await run(new Date(T.getTime() + DAY))).toEqual({ officers: 1, drafts: [draft.id] });
    const next = (await digestsOf(off.subscriber.id))[1]!.message.text.split("\n");
    expect(next.filter((l) => l.startsWith("🚩"))).toEqual([]);
  });

  it("sends nothing twice for the same slot or day, through the scheduler or a direct run", async () => {
    const { tuPhap } = await agencies();
    const { draft } = await openDraft(tuPhap.id, "Dự thảo A");
    const off = await officerJoins("off-a", { agencyId: tuPhap.id, role: "drafter" });
    const scheduler = (owner: string) => createScheduler({ db, logger: quietLogger(), config, jobs: [job], owner });
    expect(await scheduler("A").runSlot("digest", T)).toBe("ran");
    expect(await scheduler("B").runSlot("digest", T)).toBe("skipped");
    expect(await run(T)).toEqual({ officers: 0, drafts: [], skipped: "already-sent" });
    expect(await run(new Date(T.getTime() + 3 * HOUR))).toMatchObject({ officers: 0, skipped: "already-sent" });
    const sent = await digestsOf(off.subscriber.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.message.text).toContain("Dự thảo A");
    // The next day's slot sends the next digest.
    expect(await run(new Date(T.getTime() + DAY))).toEqual({ officers: 1, drafts: [draft.id] });
    expect(await digestsOf(off.subscriber.id)).toHaveLength(2);
  });

  it("shows an officer only their agency's drafts; an officer invited without an agency sees all", async () => {
    const { tuPhap, taiChinh } = await agencies();
    const a = await openDraft(tuPhap.id, "Dự thảo của Sở Tư pháp");
    const b = await openDraft(taiChinh.id, "Dự thảo của Sở Tài chính");
    const offA = await officerJoins("off-a", { agencyId: tuPhap.id, role: "drafter" });
    const offB = await officerJoins("off-b", { agencyId: null, role: "admin" }, taiChinh.id);
    const offAll = await officerJoins("off-all", { agencyId: null, role: "admin" });
    const r = await run(T);
    expect(r.officers).toBe(3);
    expect([...r.drafts].sort()).toEqual([a.draft.id, b.draft.id].sort());
    const textOf = async (id: string) => (await digestsOf(id)).map((d) => d.message.text).join("\n");
    const forA = await textOf(offA.subscriber.id);
    expect(forA).toContain("Dự thảo của Sở Tư pháp");
    expect(forA).not.toContain("Dự thảo của Sở Tài chính");
    const forB = await textOf(offB.subscriber.id);
    expect(forB).toContain("Dự thảo của Sở Tài chính");
    expect(forB).not.toContain("Dự thảo của Sở Tư pháp");
    const forAll = await textOf(offAll.subscriber.id);
    expect(forAll).toContain("2 dự thảo đang lấy ý kiến");
    expect(forAll).toContain("Dự thảo của Sở Tư pháp");
    expect(forAll).toContain("Dự thảo của Sở Tài chính");
    // An officer who said STOP, or whose link was switched off, gets nothing.
    await db.update(subscribers).set({ status: "stopped" }).where(eq(subscribers.id, offA.subscriber.id));
    await db.update(officers).set({ active: false }).where(eq(officers.subscriberId, offB.subscriber.id));
    expect((await run(new Date(T.getTime() + DAY))).officers).toBe(1);
    expect(await digestsOf(offA.subscriber.id)).toHaveLength(1);
    expect(await digestsOf(offB.subscriber.id)).toHaveLength(1);
  });

  it("sends nothing when no draft is open", async () => {
    const { tuPhap } = await agencies();
    await openDraft(tuPhap.id, "Đã đóng", { status: "closed" });
    await openDraft(tuPhap.id, "Chưa mở", { status: "scheduled" });
    const off = await officerJoins("off-a", { agencyId: tuPhap.id, role: "drafter" });
    expect(await run(T)).toEqual({ officers: 0, drafts: [] });
    expect(await digestsOf(off.subscriber.id)).toEqual([]);
    expect(await db.select().from(broadcasts).where(eq(broadcasts.kind, "digest"))).toEqual([]);
    expect(kicks).toBe(0);
  });

  it("officer invites: an admin names an existing agency; a drafter cannot name another; an unknown agency is refused", async () => {
    const { tuPhap, taiChinh } = await agencies();
    const drafter = { label: "k", agencyId: tuPhap.id, role: "drafter" as const };
    await expect(createInvite(db, drafter, { role: "officer", communes: [], agency: "Sở Tài chính" })).rejects.toMatchObject({ status: 403 });
    await expect(createInvite(db, { label: "k", agencyId: null, role: "admin" }, { role: "officer", communes: [], agency: "Sở Không Có" })).rejects.toMatchObject({ status: 422 });
    expect((await createInvite(db, drafter, { role: "officer", communes: [], agency: "so tu phap" })).agency).toEqual({ id: tuPhap.id, name: "Sở Tư pháp" });
    expect((await createInvite(db, { label: "k", agencyId: tuPhap.id, role: "admin" }, { role: "officer", communes: [], agency: taiChinh.id })).agency?.id).toBe(taiChinh.id);
  });

  it("reads DIGEST_TIME as a daily cron time", () => {
    expect(dailyCron("17:00")).toBe("0 17 * * *");
    expect(dailyCron("08:05")).toBe("5 8 * * *");
    expect(digestJob({ broadcaster: noBroadcast, digestTime: "18:30" }).cron).toBe("30 18 * * *");
    expect(() => loadConfig({ DIGEST_TIME: "5pm" })).toThrow(/DIGEST_TIME/);
    expect(loadConfig({}).DIGEST_TIME).toBe("17:00");
  });
});
