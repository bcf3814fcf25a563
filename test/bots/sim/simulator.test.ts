import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { deliveries, invites, subscriptions } from "../../../src/db/schema/index.js";
import { databaseKinds } from "../../support/database.js";
import { startTestService } from "../../support/service.js";
import { answersOf, createOpenDraft, enqueueAnnouncement, subscriberOf } from "../../support/conversation-fixtures.js";
import { useTestService } from "../../support/lifecycle.js";

interface Reply {
  text: string;
  buttons: { label: string; action: string; url?: string }[];
}

describe.each(databaseKinds)("the simulator on %s", (kind) => {
  const svc = useTestService(kind);

  async function post(body: Record<string, unknown>): Promise<Reply[]> {
    const res = await svc.api("POST", "/sim/messages", { body });
    expect(res.status, res.text).toBe(200);
    return res.body.replies as Reply[];
  }
  const say = (userId: string, text: string, updateId?: string) => post({ userId, text, ...(updateId ? { updateId } : {}) });
  const press = (userId: string, action: string) => post({ userId, action });
  async function inbox(userId: string) {
    await svc.worker.drain();
    const res = await svc.api("GET", `/sim/inbox/${userId}`);
    expect(res.status).toBe(200);
    return res.body.messages as (Reply & { kind: string })[];
  }

  it("a resident subscribes by an old name, receives a draft, answers, changes, comments, stops mid-answer and starts again", async () => {
    expect((await say("an", "/start"))[0]!.text).toContain("Xin chào!");
    const [confirm] = await say("an", "mai pha");
    expect(confirm!.text).toContain("Phường Đông Kinh");
    expect(confirm!.buttons.map((b) => b.label)).toEqual(["Có", "Không, chọn nơi khác"]);
    const [consent] = await press("an", confirm!.buttons[0]!.action);
    expect(consent!.text).toContain("Luật số 91/2025/QH15");
    const [ok] = await press("an", consent!.buttons.find((b) => b.label === "Đồng ý")!.action);
    expect(ok!.text).toContain("Đã đăng ký nhận tin của Phường Đông Kinh");

    const { draftId, questionIds } = await createOpenDraft(svc.database.db, { units: ["05977"] });
    expect(await enqueueAnnouncement(svc.database.db, draftId)).toBe(1);
    const received = await inbox("an");
    const ann = received.find((m) => m.kind === "announcement")!;
    expect(ann.buttons.map((b) => b.label)).toEqual(["Góp ý", "Xem thêm", "Huỷ đăng ký"]);
    expect(received.filter((m) => m.kind === "reply").map((m) => m.text)).toEqual([
      expect.stringContaining("Xin chào!"),
      confirm!.text,
      consent!.text,
      ok!.text,
    ]);

    const [more] = await press("an", ann.buttons[1]!.action);
    expect(more!.text).toContain("3. Thay đổi về quyền và nghĩa vụ:\nNông dân được nhận hỗ trợ mới.");
    expect(more!.buttons.find((b) => b.url)?.url).toBe("https://langson.gov.vn/du-thao/1");

    const [q1] = await press("an", ann.buttons[0]!.action);
    expect(q1!.text).toContain("Câu 1/2");
    const [q2] = await press("an", q1!.buttons[0]!.action);
    expect(q2!.text).toContain("Đã ghi nhận: Đồng ý.");
    const [ask] = await say("an", "2");
    expect(ask!.text).toContain("Đã ghi nhận: Từ năm 2027.");
    expect(ask!.buttons.map((b) => b.label)).toEqual(["Bỏ qua"]);
    const [thanks] = await say("an", "Cần hỗ trợ thêm cho người cao tuổi");
    expect(thanks!.text).toBe("Cảm ơn bạn! Ý kiến của bạn đã được ghi nhận.");

    await press("an", ann.buttons[0]!.action);
    const [changed] = await say("an", "Khong dong y");
    expect(changed!.text).toContain("Đã đổi câu trả lời thành: Không đồng ý.");

    // A second draft is on its way (queued) when the resident says stop in the middle of answering.
    const second = await createOpenDraft(svc.database.db, { title: "Dự thảo thứ hai" });
    expect(await enqueueAnnouncement(svc.database.db, second.draftId, { notBeforeMs: 60_000 })).toBe(1);
    const [stopped] = await say("an", "huỷ");
    expect(stopped!.text).toContain("Bạn đã dừng nhận tin");
    const s = await subscriberOf(svc.database.db, "an");
    expect(s!.status).toBe("stopped");
    await svc.database.db.update(deliveries).set({ nextAttemptAt: new Date() }).where(eq(deliveries.subscriberId, s!.id));
    const afterStop = await inbox("an");
    expect(afterStop.at(-1)!.text).toBe(stopped!.text);
    expect(afterStop.filter((m) => m.kind === "announcement")).toHaveLength(1);
    expect(await enqueueAnnouncement(svc.database.db, second.draftId)).toBe(0);

    const [back] = await say("an", "/start");
    expect(back!.text).toContain("đăng ký nhận tin trở lại cho: Phường Đông Kinh");
    expect((await subscriberOf(svc.database.db, "an"))!.status).toBe("active");

    const got = await answersOf(svc.database.db, s!.id);
    expect(got.current.map((a) => [a.questionId, a.choiceIndex]).sort()).toEqual([[questionIds[0], 1], [questionIds[1], 1]].sort());
    expect(got.history).toHaveLength(3);
    expect(got.comments.map((c) => c.text)).toEqual(["Cần hỗ trợ thêm cho người cao tuổi"]);
  });

  it("answers by text in Vietnamese without diacritics", async () => {
    await say("binh", "/start c_05977");
    await press("binh", "consent:yes");
    const { draftId, questionIds } = await createOpenDraft(svc.database.db);
    await press("binh", `answer:${draftId}`);
    const [next] = await say("binh", "dong y");
    expect(next!.text).toContain("Đã ghi nhận: Đồng ý.");
    const s = await subscriberOf(svc.database.db, "binh");
    const got = await answersOf(svc.database.db, s!.id);
    expect(got.current.map((a) => [a.questionId, a.choiceIndex])).toEqual([[questionIds[0], 0]]);
  });

  it("a deep link subscribes directly; a decline stores nothing", async () => {
    const [consent] = await say("chi", "/start c_06529");
    expect(consent!.text).toContain("Bạn đồng ý chứ?");
    const [ok] = await say("chi", "đồng ý");
    expect(ok!.text).toContain("Xã Lộc Bình");
    const [consent2] = await say("dung", "/start c_06529");
    expect(consent2!.text).toContain("Bạn đồng ý chứ?");
    const [declined] = await say("dung", "không");
    expect(declined!.text).toContain("không lưu thông tin nào");
    expect(await subscriberOf(svc.database.db, "dung")).toBeNull();
    expect((await inbox("dung")).map((m) => m.text)).toContain(declined!.text);
  });

  it("several matches are offered as buttons; no match gets a clear reply", async () => {
    const [several] = await say("em", "chi lang");
    expect(several!.buttons.length).toBeGreaterThan(1);
    expect(several!.buttons.every((b) => b.action.startsWith("pick:"))).toBe(true);
    const [none] = await say("em", "xyz khong co");
    expect(none!.text).toContain("Không tìm thấy xã/phường nào");
  });

  it("the same update twice is stored once", async () => {
    await say("gia", "/start c_05977");
    await press("gia", "consent:yes");
    const { draftId } = await createOpenDraft(svc.database.db);
    await press("gia", `answer:${draftId}`);
    const first = await svc.api("POST", "/sim/messages", { body: { userId: "gia", text: "1", updateId: "upd-1" } });
    const second = await svc.api("POST", "/sim/messages", { body: { userId: "gia", text: "1", updateId: "upd-1" } });
    expect(first.body.replies).toHaveLength(1);
    expect(second.body).toEqual({ replies: [], duplicate: true });
    const s = await subscriberOf(svc.database.db, "gia");
    expect((await answersOf(svc.database.db, s!.id)).history).toHaveLength(1);
  });

  it("bad input gets a clear reply: stale button, unknown action, 5,000 characters, emoji only", async () => {
    await say("hoa", "/start c_05977");
    await press("hoa", "consent:yes");
    const closed = await createOpenDraft(svc.database.db, { closed: true });
    expect((await press("hoa", `answer:${closed.draftId}`))[0]!.text).toContain("đã kết thúc");
    expect((await press("hoa", "what:is-this"))[0]!.text).toContain("Nút này không còn dùng được");
    expect((await say("hoa", "x".repeat(5000)))[0]!.text).toContain("Tin nhắn dài quá");
    expect((await say("hoa", "😀😀"))[0]!.text).toContain("tôi chỉ đọc được chữ");
    const subs = await svc.database.db.select().from(subscriptions).where(eq(subscriptions.subscriberId, (await subscriberOf(svc.database.db, "hoa"))!.id));
    expect(subs).toHaveLength(1);
  });

  it("NUL in a message and a display name is stripped: the message and the name are accepted and answered", async () => {
    expect((await post({ userId: "nul", text: "/start", displayName: "Lan\u0000 Anh" }))[0]!.text).toContain("Xin chào!");
    const [confirm] = await post({ userId: "nul", text: "mai\u0000 pha\u0001" });
    expect(confirm!.text).toContain("Phường Đông Kinh");
  });

  it("validates the simulator's input with problem+json naming the field", async () => {
    const noUser = await svc.api("POST", "/sim/messages", { body: { text: "hi" } });
    expect(noUser.status).toBe(400);
    expect(noUser.headers.get("content-type")).toContain("application/problem+json");
    expect(noUser.body.errors[0].field).toBe("userId");
    const nothing = await svc.api("POST", "/sim/messages", { body: { userId: "x" } });
    expect(nothing.status).toBe(400);
    expect(nothing.body.errors[0].field).toBe("text");
    const both = await svc.api("POST", "/sim/messages", { body: { userId: "x", text: "a", action: "b" } });
    expect(both.body.errors[0].field).toBe("action");
    const badId = await svc.api("GET", "/sim/inbox/bad%20id");
    expect(badId.status).toBe(400);
    expect(badId.body.errors[0].field).toBe("userId");
    const page = await svc.api("GET", "/sim");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.text).toContain('<script src="/sim/app.js">');
    expect((await svc.api("GET", "/sim/app.js")).text).toContain("/sim/messages");
  });

  it("an officer creates an invite; a propagandist joins with it once", async () => {
    const viewer = await svc.createKey("viewer", "Sở Tư pháp");
    expect((await svc.api("POST", "/api/v1/invites", { key: viewer, body: { role: "propagandist", communes: ["06529"] } })).status).toBe(403);
    const key = await svc.createKey("drafter", "Sở Tư pháp");
    const bad = await svc.api("POST", "/api/v1/invites", { key, body: { role: "mayor", communes: ["06529"] } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe("role");
    const unknown = await svc.api("POST", "/api/v1/invites", { key, body: { role: "propagandist", communes: ["99999"] } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].field).toBe("communes.0");
    const created = await svc.api("POST", "/api/v1/invites", { key, body: { role: "propagandist", communes: ["06529"], expiresInDays: 7 } });
    expect(created.status).toBe(201);
    expect(created.body.deepLinkPayload).toBe(`i_${created.body.code}`);
    const [inv] = await svc.database.db.select().from(invites).where(eq(invites.code, created.body.code));
    expect(inv).toMatchObject({ role: "propagandist", unitCodes: ["06529"], usedAt: null });

    await say("ly", `/start ${created.body.deepLinkPayload}`);
    const [joined] = await press("ly", "consent:yes");
    expect(joined!.text).toContain("tuyên truyền viên của: Xã Lộc Bình");
    await say("minh", "/start c_06529");
    await press("minh", "consent:yes");
    expect((await say("minh", created.body.code))[0]!.text).toContain("đã được dùng");
    const openapi = await svc.api("GET", "/openapi.json");
    expect(Object.keys(openapi.body.paths)).toContain("/api/v1/invites");
  });

  it("messages queued before STOP are not sent", async () => {
    await say("nga", "/start c_05977");
    await press("nga", "consent:yes");
    const { draftId } = await createOpenDraft(svc.database.db);
    expect(await enqueueAnnouncement(svc.database.db, draftId, { notBeforeMs: 60_000 })).toBeGreaterThan(0);
    await say("nga", "STOP");
    const s0 = await subscriberOf(svc.database.db, "nga");
    await svc.database.db.update(deliveries).set({ nextAttemptAt: new Date() }).where(eq(deliveries.subscriberId, s0!.id));
    const received = await inbox("nga");
    expect(received.some((m) => m.kind === "announcement")).toBe(false);
    const s = await subscriberOf(svc.database.db, "nga");
    const rows = await svc.database.db.select().from(deliveries).where(eq(deliveries.subscriberId, s!.id));
    expect(rows.find((d) => d.kind === "announcement")).toMatchObject({ state: "failed", errorKind: "stopped" });
  });
});

describe("the simulator switched off", () => {
  it("is not mounted when SIMULATOR_ENABLED=false", async () => {
    const svc = await startTestService("pglite", { SIMULATOR_ENABLED: "false" });
    try {
      expect((await svc.api("POST", "/sim/messages", { body: { userId: "a", text: "hi" } })).status).toBe(404);
      expect((await svc.api("GET", "/sim")).status).toBe(404);
      expect(svc.sim).toBeNull();
    } finally {
      await svc.stop();
    }
  });
});
