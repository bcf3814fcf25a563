import { describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { CONSENT_NOTICE_VERSION } from "../../src/domain/residents/data-rights.js";
import { queryRows, type Database } from "../../src/db/client.js";
import { consents, drafts } from "../../src/db/schema/index.js";
import { draftStats } from "../../src/domain/stats.js";
import { databaseKinds } from "../support/database.js";
import { createOpenDraft, enqueueAnnouncement, subscriberOf, residentDriver } from "../support/conversation-fixtures.js";
import { useConversations } from "../support/lifecycle.js";

/** Every table that holds a subscriber id, and how many of its rows name this one. */
async function rowsNaming(database: Database, subscriberId: string): Promise<Record<string, number>> {
  const [r] = await queryRows<Record<string, number>>(database.db, sql`select
    (select count(*)::int from subscribers where id = ${subscriberId}::uuid) as subscribers,
    (select count(*)::int from subscriptions where subscriber_id = ${subscriberId}::uuid) as subscriptions,
    (select count(*)::int from conversations where subscriber_id = ${subscriberId}::uuid) as conversations,
    (select count(*)::int from consents where subscriber_id = ${subscriberId}::uuid) as consents,
    (select count(*)::int from deliveries where subscriber_id = ${subscriberId}::uuid) as deliveries,
    (select count(*)::int from answers where subscriber_id = ${subscriberId}::uuid) as answers,
    (select count(*)::int from answer_history where subscriber_id = ${subscriberId}::uuid) as history,
    (select count(*)::int from comments where subscriber_id = ${subscriberId}::uuid) as comments,
    (select count(*)::int from relays where subscriber_id = ${subscriberId}::uuid) as relays,
    (select count(*)::int from invites where used_by = ${subscriberId}::uuid) as invites,
    (select count(*)::int from officers where subscriber_id = ${subscriberId}::uuid) as officers`);
  return r!;
}

describe.each(databaseKinds)("residents' data rights on %s", (kind) => {
  const { database, inbound, traffic } = useConversations(kind);
  const direct = traffic.direct;

  const names: Record<string, string> = { ann: "Nguyễn Thị An", bob: "Trần Văn Bình", cam: "Lê Cẩm", dao: "Đào Duy", eve: "Hà Em" };
  const { say, press, actions, subscribe } = residentDriver({ handle: (events) => inbound.handle(events) }, "k", { displayName: (user) => names[user] });
  /** Answer both questions of the fixture draft (the second with a comment). */
  async function answerAll(user: string, draftId: string, questionIds: string[], comment: string) {
    await press(user, `answer:${draftId}`);
    await press(user, `choice:${questionIds[0]}:0`);
    await press(user, `choice:${questionIds[1]}:1`);
    await say(user, comment);
  }
  async function stats(draftId: string) {
    const [d] = await database.db.select().from(drafts).where(eq(drafts.id, draftId));
    return draftStats(database.db, d!);
  }

  it("records consent per purpose with the notice's version and time", async () => {
    const before = new Date();
    await subscribe("ann");
    const s = await subscriberOf(database.db, "ann");
    const rows = await database.db.select().from(consents).where(eq(consents.subscriberId, s!.id));
    expect(rows.map((r) => [r.purpose, r.noticeVersion]).sort()).toEqual([
      ["announcements", CONSENT_NOTICE_VERSION],
      ["feedback", CONSENT_NOTICE_VERSION],
    ]);
    for (const r of rows) expect(r.givenAt.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
  });

  it("/dulieu shows what is kept about the person, nothing of anyone else, and a copy of the notice", async () => {
    await subscribe("bob");
    const { draftId, questionIds } = await createOpenDraft(database.db, { units: ["05977"] });
    await answerAll("ann", draftId, questionIds, "Nên hỗ trợ thêm cho hộ nghèo");
    await press("bob", `answer:${draftId}`);
    await press("bob", `choice:${questionIds[0]}:1`);

    for (const typed of ["/dulieu", "dữ liệu của tôi", "du lieu"]) {
      const shown = await say("ann", typed);
      expect(shown.replies).toHaveLength(2);
      const data = shown.replies[0]!.text;
      expect(data).toContain("Dữ liệu chúng tôi lưu về bạn:");
      expect(data).toContain("Kênh: sim");
      expect(data).toContain("Tên hiển thị: Nguyễn Thị An");
      expect(data).toContain("Xã/phường theo dõi: Phường Đông Kinh");
      expect(data).toContain(`Đồng ý nhận dự thảo và lời nhắc: thông báo phiên bản ${CONSENT_NOTICE_VERSION}`);
      expect(data).toContain(`Đồng ý lưu câu trả lời và góp ý: thông báo phiên bản ${CONSENT_NOTICE_VERSION}`);
      expect(data).toContain("Câu trả lời: 2; góp ý: 1");
      expect(data).toContain("Lần nhắn tin gần nhất:");
      expect(data).not.toContain("Trần Văn Bình");
      const notice = shown.replies[1]!.text;
      expect(notice).toContain(`Bản thông báo bạn đã đồng ý (phiên bản ${CONSENT_NOTICE_VERSION})`);
      expect(notice).toContain("Luật số 91/2025/QH15");
    }
    const bobs = await say("bob", "/dulieu");
    expect(bobs.replies[0]!.text).toContain("Tên hiển thị: Trần Văn Bình");
    expect(bobs.replies[0]!.text).toContain("Câu trả lời: 1; góp ý: 0");
    expect(bobs.replies[0]!.text).not.toContain("Nguyễn Thị An");

    const stranger = await say("zed", "/dulieu");
    expect(stranger.replies[0]!.text).toContain("Bạn chưa đồng ý");
    expect(stranger.replies[0]!.text).toContain("Tên hiển thị: không lưu");
    expect(stranger.replies).toHaveLength(1);
  });

  it("/xoadulieu asks first; cancelling keeps everything", async () => {
    const s = await subscriberOf(database.db, "ann");
    const kept = await rowsNaming(database, s!.id);
    const ask = await say("ann", "/xoadulieu");
    expect(ask.replies[0]!.text).toContain("Xoá dữ liệu của bạn?");
    expect(actions(ask.replies[0])).toEqual(["erase:yes", "erase:no"]);
    const unclear = await say("ann", "mai pha");
    expect(unclear.replies[0]!.text).toContain("Xin bấm \"Xoá dữ liệu\" hoặc \"Giữ lại\"");
    const cancel = await say("ann", "không");
    expect(cancel.replies[0]!.text).toBe("Đã huỷ. Dữ liệu của bạn được giữ nguyên.");
    const after = await rowsNaming(database, s!.id);
    // The only change: the replies of this exchange were queued for the person.
    expect({ ...after, deliveries: 0 }).toEqual({ ...kept, deliveries: 0 });
    expect(after.deliveries).toBeGreaterThan(kept.deliveries!);
    expect((await subscriberOf(database.db, "ann"))!.displayName).toBe("Nguyễn Thị An");
    await press("ann", "erase:no");
    expect(await subscriberOf(database.db, "ann")).not.toBeNull();
  });

  it("/xoadulieu confirmed: the identity is gone from every table, the tallies keep their totals, the person can start again", async () => {
    const { draftId, questionIds } = await createOpenDraft(database.db, { units: ["05977"] });
    await subscribe("cam");
    await answerAll("cam", draftId, questionIds, "Ý kiến riêng của Cẩm về Điều 3");
    await subscribe("dao");
    await answerAll("dao", draftId, questionIds, "Ý kiến của Đào");
    await enqueueAnnouncement(database.db, draftId);
    const s = await subscriberOf(database.db, "cam");
    expect((await rowsNaming(database, s!.id)).deliveries).toBeGreaterThan(0);
    const before = await stats(draftId);

    const ask = await say("cam", "xoá dữ liệu");
    expect(actions(ask.replies[0])).toEqual(["erase:yes", "erase:no"]);
    const done = await press("cam", "erase:yes");
    expect(done.replies[0]!.text).toContain("Đã xoá dữ liệu của bạn");
    expect(direct.at(-1)).toMatchObject({ externalId: "cam", message: { text: expect.stringContaining("Đã xoá dữ liệu của bạn") } });

    expect(await subscriberOf(database.db, "cam")).toBeNull();
    const left = await rowsNaming(database, s!.id);
    expect(Object.values(left).every((v) => v === 0)).toBe(true);
    const [named] = await queryRows<{ n: number }>(database.db, sql`select
      (select count(*)::int from subscribers where external_id = 'cam' or display_name = 'Lê Cẩm')
      + (select count(*)::int from comments where text like '%Cẩm%') as n`);
    expect(named!.n).toBe(0);

    const after = await stats(draftId);
    expect(after.totals).toEqual({ ...before.totals, subscribers: before.totals.subscribers - 1 });
    expect(after.questions).toEqual(before.questions);
    expect(after.communes.map((c) => [c.code, c.respondents])).toEqual(before.communes.map((c) => [c.code, c.respondents]));
    expect(after.outOfReach).toEqual(before.outOfReach);

    // Subscribing again starts from nothing.
    await subscribe("cam");
    const again = await subscriberOf(database.db, "cam");
    expect(again!.id).not.toBe(s!.id);
    expect(again!.status).toBe("active");
    expect((await say("cam", "/dulieu")).replies[0]!.text).toContain("Câu trả lời: 0; góp ý: 0");
  });

  it("withdrawing consent (typed, confirmed by text) erases the same way, also after STOP", async () => {
    await subscribe("eve");
    await say("eve", "/stop");
    const s = await subscriberOf(database.db, "eve");
    expect(s!.status).toBe("stopped");
    const ask = await say("eve", "rút đồng ý");
    expect(ask.replies[0]!.text).toContain("Rút đồng ý?");
    const done = await say("eve", "có");
    expect(done.replies[0]!.text).toContain("Đã rút đồng ý và xoá dữ liệu của bạn");
    expect(await subscriberOf(database.db, "eve")).toBeNull();
    expect(Object.values(await rowsNaming(database, s!.id)).every((v) => v === 0)).toBe(true);
  });

  it("/help names the data commands", async () => {
    const help = await say("bob", "/help");
    for (const cmd of ["/dulieu", "/rutdongy", "/xoadulieu"]) expect(help.replies[0]!.text).toContain(cmd);
  });

  it("a stale erase button does nothing", async () => {
    const stale = await press("bob", "erase:yes");
    expect(stale.replies[0]!.text).not.toContain("Đã xoá");
    expect(await subscriberOf(database.db, "bob")).not.toBeNull();
  });
});
