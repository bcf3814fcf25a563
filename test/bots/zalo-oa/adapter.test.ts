import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { databaseKinds } from "../../support/database.js";
import type { ZaloOaAdapter, ZaloOaAdapterOptions } from "../../../bots/zalo-oa/adapter.js";
import { createZaloOaClient } from "../../../bots/zalo-oa/client.js";
import { actionFromText } from "../../../bots/zalo-oa/parse.js";
import type { RecipientWindow } from "../../../bots/zalo-oa/window.js";
import { bigId, startFakeZaloOa, type FakeZaloOa } from "../../fakes/zalo-oa-api.js";
import { SendError } from "../../../src/channels/errors.js";
import { t } from "../../../src/i18n/index.js";
import { useTestDatabase } from "../../support/lifecycle.js";
import { recordingPacing } from "../../support/delivery.js";
import { oaAdapterOnFake } from "../../support/zalo-oa.js";

const DAY = 86_400_000;

describe.each(databaseKinds)("Zalo OA adapter on %s", (kind) => {
  const database = useTestDatabase(kind);
  let fake: FakeZaloOa;
  let windows: Map<string, RecipientWindow>;
  let adapter: ZaloOaAdapter;
  const make = (over: Partial<ZaloOaAdapterOptions> = {}) =>
    oaAdapterOnFake(database.db, fake, { lastInteraction: (id) => Promise.resolve(windows.get(id) ?? null), ...over });
  const sendErr = async (p: Promise<unknown>) => {
    const e = await p.then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(SendError);
    return e as SendError;
  };

  beforeEach(async () => {
    fake = await startFakeZaloOa();
    windows = new Map();
    adapter = make();
    await adapter.tokens.set({ accessToken: fake.accessToken, refreshToken: fake.refreshToken, expiresInSeconds: 90_000 });
  });
  afterEach(async () => {
    await fake.close();
  });

  const user = (daysAgo = 0) => {
    const id = bigId();
    fake.setLastInteraction(id, Date.now() - daysAgo * DAY);
    windows.set("sub-" + id, { lastInteractionAt: new Date(Date.now() - daysAgo * DAY), locale: "vi" });
    return { subscriberId: "sub-" + id, externalId: id };
  };

  it("sends a text with buttons as hidden query payloads, keeping the big message id exact", async () => {
    const to = user();
    const r = await adapter.send(to, { text: "Bạn ở Phường Đông Kinh?", buttons: [[{ label: "Đúng", action: "confirm:05977" }, { label: "Không", action: "cancel" }]] });
    const [sent] = fake.sent;
    expect(r.externalId).toBe(sent!.messageId);
    expect(r.externalId).toMatch(/^m7\d{18}$/);
    expect(sent).toMatchObject({ userId: to.externalId, text: "Bạn ở Phường Đông Kinh?" });
    expect(sent!.buttons!.map((b) => [b.title, b.type])).toEqual([["Đúng", "oa.query.hide"], ["Không", "oa.query.hide"]]);
    // what a press sends back is read as the action again
    expect(sent!.buttons!.map((b) => actionFromText(b.payload as string))).toEqual(["confirm:05977", "cancel"]);
  });

  it("sends numbered choices when buttons are off, and splits text longer than 2,000 characters", async () => {
    const to = user();
    const a = make({ buttons: false });
    await a.send(to, { text: "Câu 1 ".repeat(500).trim(), buttons: [[{ label: "Đồng ý", action: "choice:x:0" }], [{ label: "Không đồng ý", action: "choice:x:1" }]] });
    const texts = fake.textsTo(to.externalId);
    expect(texts.length).toBe(2);
    for (const t of texts) expect(Array.from(t).length).toBeLessThanOrEqual(2000);
    expect(texts[1]).toMatch(/1\. Đồng ý\n2\. Không đồng ý$/);
    expect(fake.sent.every((s) => s.buttons === undefined)).toBe(true);
  });

  it("remembers numbered choices of announcements (not of replies) so that typing a number presses them", async () => {
    const to = user();
    const remembered: [string, string[]][] = [];
    const a = make({ buttons: false, rememberChoices: (id, actions) => {
      remembered.push([id, actions]);
      return Promise.resolve();
    } });
    const msg = { text: "Dự thảo", buttons: [[{ label: "Góp ý", action: "answer:x" }, { label: "Toàn văn", action: "", url: "https://x.vn" }], [{ label: "Huỷ", action: "unsub" }]] };
    await a.send(to, msg, { kind: "announcement" });
    await a.send(to, msg, { kind: "reply" });
    await adapter.send(to, msg, { kind: "announcement" }); // with buttons shown, nothing to remember
    expect(remembered).toEqual([[to.subscriberId, ["answer:x", "unsub"]]]);
  });

  it("falls back to numbered choices by itself when Zalo refuses button messages (-201)", async () => {
    const to = user();
    fake.rejectButtons = true;
    await adapter.send(to, { text: "Chọn", buttons: [[{ label: "Có", action: "yes" }]] });
    await adapter.send(to, { text: "Chọn lại", buttons: [[{ label: "Có", action: "yes" }]] });
    expect(fake.textsTo(to.externalId)).toEqual(["Chọn\n\n1. Có", "Chọn lại\n\n1. Có"]);
  });

  it("refreshes the token once and retries when the access token was rotated elsewhere (-216) or expired (-220)", async () => {
    const to = user();
    fake.expireAccessToken();
    await adapter.send(to, { text: "một" });
    expect(fake.refreshCalls).toBe(1);
    // the access token is refused (-216): refresh once, retry once, delivered
    fake.accessToken = "revoked-" + fake.accessToken;
    await adapter.send(to, { text: "hai" });
    expect(fake.refreshCalls).toBe(2);
    // the refresh token we hold was used up elsewhere: Zalo refuses the refresh; an officer must load a new pair
    fake.accessToken = "revoked-again";
    fake.refreshToken = "someone-elses-refresh";
    const e = await sendErr(adapter.send(to, { text: "ba" }));
    expect(e.kind).toBe("config");
    expect(e.detail).toMatch(/zalo-oa token set/);
    expect(fake.refreshCalls).toBe(3);
    expect(fake.textsTo(to.externalId)).toEqual(["một", "hai"]);
  });

  it("tells the send's pacing when each call is written and answered; a retry after a refused token takes a slot of its own", async () => {
    const to = user();
    const pacing = recordingPacing();
    await adapter.send(to, { text: "một" }, { kind: "reply", pacing });
    expect(pacing.log).toEqual(["written", "answered"]);
    // -220: the refused call reached Zalo and counts; the refresh, then the retry waits for a slot
    fake.expireAccessToken();
    const again = recordingPacing();
    await adapter.send(to, { text: "hai" }, { kind: "reply", pacing: again });
    expect(again.log).toEqual(["written", "answered", "another", "written", "answered"]);
    // a dead API: the call was written, no answer came
    const dead = make({ client: createZaloOaClient({ apiBase: "http://127.0.0.1:1" }) });
    const lost = recordingPacing();
    await sendErr(dead.send(to, { text: "ba" }, { kind: "reply", pacing: lost }));
    expect(lost.log).toEqual(["written"]);
    expect(fake.textsTo(to.externalId)).toEqual(["một", "hai"]);
  });

  it("a pair rotated by another instance while this one still holds it: refused once, then the newer pair is found and used", async () => {
    const to = user();
    await adapter.send(to, { text: "một" }); // this instance has read the pair
    const held = await adapter.tokens.current();
    const theirs = await oaAdapterOnFake(database.db, fake).tokens.refresh(held.version); // another instance rotates it
    expect(fake.refreshCalls).toBe(1);
    const pacing = recordingPacing();
    await adapter.send(to, { text: "hai" }, { kind: "reply", pacing });
    // the held token refused (-216), the refresh found theirs under the lock (no second rotation), sent with it
    expect(pacing.log).toEqual(["written", "answered", "another", "written", "answered"]);
    expect(fake.refreshCalls).toBe(1);
    expect((await adapter.tokens.current()).version).toBe(theirs.version);
    expect(fake.textsTo(to.externalId)).toEqual(["một", "hai"]);
  });

  it("maps -32 to Throttled with the configured pause, and keeps Zalo's code and message", async () => {
    const to = user();
    fake.throttleNext(1);
    const e = await sendErr(adapter.send(to, { text: "x" }));
    expect(e).toMatchObject({ kind: "throttled", retryAfterMs: 60_000, code: -32 });
    expect(e.detail).toContain("The request rate exceeds the limit");
  });

  it("maps error codes in HTTP 200 answers to the closed set", async () => {
    const to = user();
    const cases: [number, string][] = [
      [-213, "recipient_gone"], [-227, "recipient_gone"], [-217, "recipient_gone"],
      [-230, "outside_window"], [-232, "outside_window"],
      [-201, "config"], [-204, "config"], [-209, "config"], [-224, "config"], [-242, "config"],
      [-248, "permanent"], [-211, "permanent"],
    ];
    for (const [code, kindName] of cases) {
      fake.failNext(code, `fake ${code}`);
      const e = await sendErr(adapter.send(to, { text: "x" }));
      expect([code, e.kind, e.code]).toEqual([code, kindName, code]);
    }
    expect(fake.sent).toEqual([]);
  });

  it("maps a dead API to Transient", async () => {
    const to = user();
    const dead = make({ client: createZaloOaClient({ apiBase: "http://127.0.0.1:1" }) });
    expect((await sendErr(dead.send(to, { text: "x" }))).kind).toBe("transient");
  });

  it("takes the window read with the claim when the worker gives it, and looks nothing up itself", async () => {
    let lookups = 0;
    const a = make({ lastInteraction: () => (lookups++, Promise.resolve(null)) });
    const inside = user();
    await a.send({ ...inside, window: { lastInteractionAt: new Date(), locale: "en" } }, { text: "Draft" }, { kind: "announcement" });
    // the announcement's invitation to reply is in the person's locale, read with the claim
    expect(fake.textsTo(inside.externalId)[0]).toContain(t("en", "zalo.replyToKeepWindow", { days: 7 }));
    const outside = user();
    const e = await sendErr(a.send({ ...outside, window: { lastInteractionAt: new Date(Date.now() - 8 * DAY), locale: "vi" } }, { text: "x" }));
    expect(e.kind).toBe("outside_window");
    expect(fake.textsTo(outside.externalId)).toEqual([]);
    expect(lookups).toBe(0);
  });

  it("does not attempt a customer-service message outside the 7-day window", async () => {
    const to = user(8);
    const e = await sendErr(adapter.send(to, { text: "x" }, { kind: "announcement" }));
    expect(e.kind).toBe("outside_window");
    expect(fake.sent).toEqual([]);
    // when our record is fresh but Zalo knows better (-230 from the fake), the answer ends the same way
    windows.set(to.subscriberId, { lastInteractionAt: new Date(), locale: "vi" });
    expect((await sendErr(adapter.send(to, { text: "x" }))).kind).toBe("outside_window");
  });

  it("sends an approved template instead when one is configured for the message kind", async () => {
    const to = user(10);
    const a = make({ templates: { announcement: "tpl-123" } });
    const r = await a.send(to, { text: "📢 Dự thảo mới" }, { kind: "announcement" });
    expect(fake.sent).toMatchObject([{ path: "/v3.0/oa/message/template", userId: to.externalId, templateId: "tpl-123" }]);
    expect(r.externalId).toBe(fake.sent[0]!.messageId);
    // a kind without a template still ends outside_window
    expect((await sendErr(a.send(to, { text: "x" }, { kind: "reminder" }))).kind).toBe("outside_window");
  });

  it("adds an invitation to reply to announcements, so the window reopens", async () => {
    const to = user();
    await adapter.send(to, { text: "📢 Dự thảo mới" }, { kind: "announcement" });
    await adapter.send(to, { text: "Cảm ơn" }, { kind: "reply" });
    const [ann, reply] = fake.textsTo(to.externalId);
    expect(ann).toMatch(/^📢 Dự thảo mới\n\n💬 .*trả lời tin nhắn này.*7 ngày/);
    expect(reply).toBe("Cảm ơn");
  });

  it("says clearly that no token is loaded", async () => {
    await database.db.execute(sql`delete from channel_tokens`);
    // A service that has not read a pair (one that has keeps it for up to 2 s, then reads again).
    const e = await sendErr(make().send(user(), { text: "x" }));
    expect(e.kind).toBe("config");
    expect(e.detail).toMatch(/zalo-oa token set/);
  });
});
