import { describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { createResidentTurns } from "../../src/domain/residents/turns.js";
import { createInboundProcessor } from "../../handlers/inbound.js";
import type { InboundEvent } from "../../src/channels/adapter.js";
import type { OutboundMessage } from "../../src/channels/message.js";
import { queryRows } from "../../src/db/client.js";
import { deliveries, invites, relays, subscriptions } from "../../src/db/schema/index.js";
import { databaseKinds, quietLogger } from "../support/database.js";
import { answersOf, createOpenDraft, enqueueAnnouncement, subscriberOf } from "../support/conversation-fixtures.js";
import { useConversations } from "../support/lifecycle.js";

describe.each(databaseKinds)("conversations on %s", (kind) => {
  const { database, inbound, traffic } = useConversations(kind);
  const direct = traffic.direct;
  let n = 0;

  const base = (user: string, key?: string) => ({ channel: "sim" as const, externalId: user, updateKey: key ?? `k${++n}`, at: new Date() });
  async function send(event: InboundEvent) {
    const [r] = await inbound.handle([event]);
    return r!;
  }
  const say = (user: string, text: string, key?: string) => send({ ...base(user, key), type: "text", text });
  const press = (user: string, action: string, key?: string) => send({ ...base(user, key), type: "action", action });
  const actions = (m: OutboundMessage | undefined) => (m?.buttons ?? []).flat().map((b) => b.action);

  async function subscribe(user: string, name = "mai pha") {
    await say(user, "/start");
    const confirm = await say(user, name);
    await press(user, actions(confirm.replies[0])[0]!);
    await press(user, "consent:yes");
  }

  it("subscribes by an old name without diacritics, after consent, and keeps the replies in the outbox", async () => {
    const hello = await say("alice", "/start");
    expect(hello.replies[0]!.text).toContain("gõ tên xã/phường");
    const confirm = await say("alice", "mai pha");
    expect(confirm.replies[0]!.text).toBe("Xã Mai Pha nay thuộc Phường Đông Kinh. Bạn muốn nhận tin của Phường Đông Kinh?");
    expect(actions(confirm.replies[0])).toEqual(["confirm:05977", "other"]);
    const consent = await say("alice", "có");
    expect(consent.replies[0]!.text).toContain("Luật số 91/2025/QH15");
    expect(consent.replies[0]!.text.split("\n")).toHaveLength(2);
    let s = await subscriberOf(database.db, "alice");
    expect(s).toMatchObject({ status: "pending", consentAt: null });
    expect(await database.db.select().from(subscriptions).where(eq(subscriptions.subscriberId, s!.id))).toEqual([]);
    const done = await say("alice", "đồng ý");
    expect(done.replies[0]!.text).toContain("Đã đăng ký nhận tin của Phường Đông Kinh");
    s = await subscriberOf(database.db, "alice");
    expect(s!.status).toBe("active");
    expect(s!.consentAt).toBeInstanceOf(Date);
    expect(s!.lastInteractionAt).toBeInstanceOf(Date);
    const subs = await database.db.select().from(subscriptions).where(eq(subscriptions.subscriberId, s!.id));
    expect(subs.map((x) => [x.unitCode, x.role])).toEqual([["05977", "resident"]]);
    const queued = await database.db.select().from(deliveries).where(eq(deliveries.subscriberId, s!.id));
    expect(queued).toHaveLength(4);
    expect(queued.every((d) => d.kind === "reply" && d.priority === 0)).toBe(true);
    expect(traffic.kicks).toBeGreaterThan(0);
  });

  it("follows several communes, lists them and removes one", async () => {
    await subscribe("bob");
    const several = await say("bob", "chi lang");
    expect(several.replies[0]!.text).toMatch(/^Có \d+ xã\/phường khớp/);
    const picks = actions(several.replies[0]);
    expect(picks.length).toBeGreaterThan(1);
    expect(picks).toContain("pick:06463");
    const added = await say("bob", String(picks.indexOf("pick:06463") + 1));
    expect(added.replies[0]!.text).toContain("Xã Chi Lăng");
    const list = await say("bob", "/subs");
    expect(list.replies[0]!.text).toContain("Phường Đông Kinh");
    expect(list.replies[0]!.text).toContain("Xã Chi Lăng");
    expect(actions(list.replies[0])).toEqual(["rm:05977", "rm:06463", "add"]);
    const removed = await press("bob", "rm:05977");
    expect(removed.replies[0]!.text).toBe("Đã bỏ Phường Đông Kinh.");
    const s = await subscriberOf(database.db, "bob");
    const subs = await database.db.select().from(subscriptions).where(eq(subscriptions.subscriberId, s!.id));
    expect(subs.map((x) => x.unitCode)).toEqual(["06463"]);
  });

  it("a decline stores nothing about the person and still tells them", async () => {
    const consent = await say("carol", "/start c_06529");
    expect(consent.replies[0]!.text).toContain("Bạn đồng ý chứ?");
    const declined = await press("carol", "consent:no");
    expect(declined.subscriberId).toBeUndefined();
    expect(declined.replies[0]!.text).toContain("không lưu thông tin nào");
    expect(await subscriberOf(database.db, "carol")).toBeNull();
    expect(direct.at(-1)).toMatchObject({ externalId: "carol", message: { text: declined.replies[0]!.text } });
  });

  it("why a decline's reply is sent directly: an outbox row belongs to its person and is erased with them", async () => {
    // The one bypass of the outbox (sendDirect). A reply queued in the outbox would need the person's row,
    // which the decline must delete in the same transaction; the queued reply goes with it, unsent.
    await say("otto", "/start c_06529");
    const s = (await subscriberOf(database.db, "otto"))!;
    const queued = await database.db.select().from(deliveries).where(eq(deliveries.subscriberId, s.id));
    expect(queued.map((d) => d.kind)).toEqual(["reply"]);
    const sentBefore = direct.length;
    const declined = await press("otto", "consent:no");
    expect(await subscriberOf(database.db, "otto")).toBeNull();
    expect(await database.db.select().from(deliveries).where(eq(deliveries.subscriberId, s.id))).toEqual([]);
    expect(direct.slice(sentBefore)).toEqual([{ externalId: "otto", message: declined.replies[0] }]);
  });

  it("keeps no name before consent, and the name a platform gives once the person has consented", async () => {
    const named = (text: string) => send({ ...base("nina"), type: "text", text, displayName: "Nguyễn Thị Na" });
    await named("/start");
    await named("mai pha");
    const notice = await named("có");
    expect(notice.replies[0]!.text).toContain("Bạn đồng ý chứ?");
    expect((await subscriberOf(database.db, "nina"))!.displayName).toBeNull();
    await named("đồng ý");
    expect((await subscriberOf(database.db, "nina"))!.consentAt).not.toBeNull();
    await named("/help");
    expect((await subscriberOf(database.db, "nina"))!.displayName).toBe("Nguyễn Thị Na");
  });

  it("a decline leaves no trace of the person's platform id, not even in the replay keys (Zalo follow events embed it)", async () => {
    const zaloId = "7012345678901234567";
    const zalo = (updateKey: string) => ({ channel: "zalo-oa" as const, externalId: zaloId, updateKey, at: new Date() });
    await send({ ...zalo(`follow:${zaloId}:1764000000000`), type: "follow" });
    const consent = await send({ ...zalo(`text:${zaloId}:1764000000001`), type: "start", payload: "c_06529" });
    expect(consent.replies[0]!.text).toContain("Bạn đồng ý chứ?");
    await send({ ...zalo(`text:${zaloId}:1764000000002`), type: "text", text: "không" });
    const [left] = await queryRows<{ n: number }>(database.db, sql`
      select (select count(*)::int from subscribers where external_id = ${zaloId})
        + (select count(*)::int from inbound_updates where update_key like ${`%${zaloId}%`}) as n`);
    expect(left!.n).toBe(0);
    // Replays are still recognised.
    const replay = await send({ ...zalo(`follow:${zaloId}:1764000000000`), type: "follow" });
    expect(replay.duplicate).toBe(true);
  });

  it("answers by button and by text, changes an answer, ignores a second press, then takes a comment", async () => {
    await subscribe("dan");
    const { draftId, questionIds } = await createOpenDraft(database.db, { units: ["05977"] });
    const [q1, q2] = questionIds as [string, string];
    const first = await press("dan", `answer:${draftId}`);
    expect(first.replies[0]!.text).toContain("Câu 1/2: Bạn có đồng ý với mức hỗ trợ không?");
    expect(actions(first.replies[0])).toEqual([`choice:${q1}:0`, `choice:${q1}:1`]);
    const second = await press("dan", `choice:${q1}:0`);
    expect(second.replies[0]!.text).toMatch(/^Đã ghi nhận: Đồng ý\.\n\nCâu 2\/2 \(Điều 3\)/);
    const again = await press("dan", `choice:${q1}:0`);
    expect(again.replies).toEqual([]);
    const byText = await say("dan", "2");
    expect(byText.replies[0]!.text).toContain("Đã ghi nhận: Từ năm 2027.");
    expect(byText.replies[0]!.text).toContain("Bạn có ý kiến gì thêm không?");
    // change q1 by walking again and typing the other choice
    await press("dan", `answer:${draftId}`);
    const changed = await say("dan", "khong dong y");
    expect(changed.replies[0]!.text).toMatch(/^Đã đổi câu trả lời thành: Không đồng ý\./);
    const same = await say("dan", "tu nam 2027");
    expect(same.replies[0]!.text).toContain("Bạn có ý kiến gì thêm không?");
    const comment = await say("dan", "Điều 5: nên tăng mức hỗ trợ cho hộ nghèo");
    expect(comment.replies[0]!.text).toBe("Cảm ơn bạn! Ý kiến của bạn về Điều 5 đã được ghi nhận.");
    const s = await subscriberOf(database.db, "dan");
    const got = await answersOf(database.db, s!.id);
    expect(got.current.map((a) => [a.questionId, a.choiceIndex, a.unitCode]).sort()).toEqual(
      [[q1, 1, "05977"], [q2, 1, "05977"]].sort(),
    );
    expect(got.history.map((h) => [h.questionId, h.choiceIndex, h.late])).toEqual([
      [q1, 0, false],
      [q2, 1, false],
      [q1, 1, false],
    ]);
    expect(got.comments).toMatchObject([{ article: "Điều 5", text: "nên tăng mức hỗ trợ cho hộ nghèo", late: false, questionId: q2 }]);
  });

  it("after the deadline a reply is kept, flagged late, out of the current answers, and the person is told", async () => {
    await subscribe("erin");
    const { draftId, questionIds } = await createOpenDraft(database.db, { closed: true });
    const stale = await press("erin", `answer:${draftId}`);
    expect(stale.replies[0]!.text).toContain("đã kết thúc");
    const late = await press("erin", `choice:${questionIds[0]}:1`);
    expect(late.replies[0]!.text).toContain("vẫn được lưu lại nhưng không được tính");
    const s = await subscriberOf(database.db, "erin");
    const got = await answersOf(database.db, s!.id);
    expect(got.current).toEqual([]);
    expect(got.history.map((h) => [h.choiceIndex, h.late])).toEqual([[1, true]]);
  });

  it("STOP in the middle of answering ends messaging at once; queued messages are not sent; /start re-subscribes", async () => {
    await subscribe("fay");
    const { draftId } = await createOpenDraft(database.db);
    await press("fay", `answer:${draftId}`);
    const s = await subscriberOf(database.db, "fay");
    expect(await enqueueAnnouncement(database.db, draftId)).toBeGreaterThan(0);
    const stopped = await say("fay", "Dừng");
    expect(stopped.replies[0]!.text).toContain("Bạn đã dừng nhận tin");
    expect((await subscriberOf(database.db, "fay"))!.status).toBe("stopped");
    const bulk = await database.db.select().from(deliveries).where(eq(deliveries.subscriberId, s!.id));
    const announcements = bulk.filter((d) => d.kind === "announcement");
    expect(announcements.length).toBe(1);
    expect(announcements[0]).toMatchObject({ state: "failed", errorKind: "stopped" });
    const ignored = await say("fay", "1");
    expect(ignored.replies[0]!.text).toContain("Gõ /start để đăng ký lại");
    const resumed = await say("fay", "/start");
    expect(resumed.replies[0]!.text).toBe("Bạn đã đăng ký nhận tin trở lại cho: Phường Đông Kinh.");
    expect((await subscriberOf(database.db, "fay"))!.status).toBe("active");
  });

  it("a replayed update is handled once and produces no reply", async () => {
    await subscribe("gus");
    const { draftId, questionIds } = await createOpenDraft(database.db);
    await press("gus", `answer:${draftId}`);
    const a = await press("gus", `choice:${questionIds[0]}:1`, "replay-1");
    const b = await press("gus", `choice:${questionIds[0]}:1`, "replay-1");
    expect(a.replies).toHaveLength(1);
    expect(b).toMatchObject({ duplicate: true, replies: [] });
    const s = await subscriberOf(database.db, "gus");
    expect((await answersOf(database.db, s!.id)).history).toHaveLength(1);
  });

  it("two instances handling the same update, or the same new person at once, store one of each", async () => {
    const other = createInboundProcessor({ turns: createResidentTurns({ db: database.db }), logger: quietLogger(), kick: () => undefined });
    const event: InboundEvent = { ...base("kim", "same-update"), type: "text", text: "/start" };
    const results = await Promise.all([inbound.handle([event]), other.handle([event])]);
    expect(results.flat().filter((r) => !r.duplicate)).toHaveLength(1);
    await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 ? inbound : other).handle([{ ...base("lan"), type: "text", text: "mai pha" }])),
    );
    const rows = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from subscribers where channel = 'sim' and external_id in ('kim', 'lan')`);
    expect(rows[0]!.n).toBe(2);
    const [replies] = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from deliveries d join subscribers s on s.id = d.subscriber_id where s.external_id = 'lan'`,
    );
    expect(replies!.n).toBe(6);
  });

  it("gives a clear reply to bad input: unknown action, unknown draft, no match, emoji, 5,000 characters", async () => {
    await subscribe("hal");
    expect((await press("hal", "nonsense!!")).replies[0]!.text).toContain("Nút này không còn dùng được");
    expect((await press("hal", "answer:00000000-0000-4000-8000-000000000000")).replies[0]!.text).toContain("Không tìm thấy dự thảo");
    expect((await press("hal", "choice:00000000-0000-4000-8000-000000000000:0")).replies[0]!.text).toContain("Không tìm thấy dự thảo");
    expect((await say("hal", "Hoàn Kiếm")).replies[0]!.text).toBe(
      'Không tìm thấy xã/phường nào tên "Hoàn Kiếm". Hãy gõ lại tên xã/phường, ví dụ: mai pha hoặc Đông Kinh.',
    );
    expect((await say("hal", "👍👍🎉")).replies[0]!.text).toContain("tôi chỉ đọc được chữ");
    expect((await say("hal", "a".repeat(5000))).replies[0]!.text).toContain("Tin nhắn dài quá");
    const { draftId } = await createOpenDraft(database.db, { questions: [] });
    const ask = await press("hal", `answer:${draftId}`);
    expect(ask.replies[0]!.text).toContain("Bạn có ý kiến gì thêm không?");
    const long = await say("hal", "ý".repeat(5000));
    expect(long.replies[0]!.text).toContain("chỉ 4000 ký tự đầu được lưu");
    const s = await subscriberOf(database.db, "hal");
    const got = await answersOf(database.db, s!.id);
    expect(Array.from(got.comments[0]!.text)).toHaveLength(4000);
  });

  it("joins as a propagandist with an invite code (single use) and confirms a relay as read", async () => {
    await database.db.insert(invites).values([
      { code: "PROP2345", role: "propagandist", unitCodes: ["06529"], createdBy: "test" },
      { code: "OLDC2345", role: "propagandist", unitCodes: ["06529"], createdBy: "test", expiresAt: new Date(Date.now() - 1000) },
    ]);
    const consent = await say("ivy", "/start i_PROP2345");
    expect(consent.replies[0]!.text).toContain("Luật số 91/2025/QH15");
    const joined = await press("ivy", "consent:yes");
    expect(joined.replies[0]!.text).toContain("tuyên truyền viên của: Xã Lộc Bình");
    const s = await subscriberOf(database.db, "ivy");
    const subs = await database.db.select().from(subscriptions).where(eq(subscriptions.subscriberId, s!.id));
    expect(subs.map((x) => [x.unitCode, x.role])).toEqual([["06529", "propagandist"]]);
    await subscribe("jon");
    expect((await say("jon", "PROP2345")).replies[0]!.text).toContain("đã được dùng");
    expect((await say("jon", "oldc-2345")).replies[0]!.text).toContain("đã hết hạn");
    expect((await say("jon", "/start i_NOPE2345")).replies[0]!.text).toContain("Mã mời không đúng");

    const { draftId } = await createOpenDraft(database.db, { units: ["06529"] });
    expect((await press("ivy", `read:${draftId}`)).replies[0]!.text).toContain("Không tìm thấy bài đọc");
    await database.db.insert(relays).values({ draftId, subscriberId: s!.id, unitCode: "06529" });
    const read = await press("ivy", `read:${draftId}`);
    expect(read.replies[0]!.text).toMatch(/^Cảm ơn bạn! Đã ghi nhận bài đọc được đọc lúc \d\d:\d\d\.$/);
    const [relay] = await queryRows<{ confirmed_at: Date | null; read_at: string }>(database.db, sql`select confirmed_at, read_at from relays where subscriber_id = ${s!.id}`);
    expect(relay!.confirmed_at).not.toBeNull();
    expect(read.replies[0]!.text).toContain(relay!.read_at);
  });
});
