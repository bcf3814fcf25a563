import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../../src/db/client.js";
import { enqueue } from "../../../src/delivery/outbox.js";
import { t } from "../../../src/i18n/index.js";
import { encodeAction } from "../../../src/messages/actions.js";
import { encodeOaPayload } from "../../../bots/zalo-oa/parse.js";
import { databaseKinds } from "../../support/database.js";
import type { TestService } from "../../support/service.js";
import { startServiceWithFakeOa } from "../../support/zalo-oa.js";
import { bigId, startFakeZaloOa, type FakeOaSent, type FakeZaloOa } from "../../fakes/zalo-oa-api.js";
import { untilDelivered } from "../../support/delivery.js";
import { teaDraftBody } from "../../support/drafts.js";

const DONG_KINH = "05977";

/**
 * A resident on a Zalo Official Account, end to end: the fake OA API plays Zalo (sends, tokens, 7-day
 * window), the real service runs with its base URLs, and the test posts signed webhook events as Zalo would.
 */
describe.each(databaseKinds)("Zalo OA resident, end to end (%s)", (kind) => {
  let fake: FakeZaloOa;
  let svc: TestService;
  let adminKey = "";
  let draftId = "";
  let questionIds: string[] = [];
  const user = bigId();

  const post = (event: Record<string, unknown>) => {
    const { rawBody, headers } = fake.signedEvent(event);
    return svc.api("POST", "/webhooks/zalo-oa", { rawBody, headers });
  };
  /** Post an event, wait until its replies reached the fake, return what the fake received. */
  async function deliver(event: Record<string, unknown>): Promise<FakeOaSent[]> {
    const before = fake.sent.length;
    const res = await post(event);
    expect(res.status, res.text).toBe(200);
    await untilDelivered(svc.database.db, () => fake.sent.length, before);
    return fake.sent.slice(before);
  }
  const say = (text: string) => deliver(fake.userText(user, text));
  const press = (payload: string) => deliver(fake.userText(user, payload));
  const payloadOf = (msgs: FakeOaSent[], label: string) => {
    const b = msgs.flatMap((m) => m.buttons ?? []).find((x) => x.title === label || x.title.replace(/^\d+\. /, "") === label);
    expect(b, `a button "${label}" in ${JSON.stringify(msgs)}`).toBeDefined();
    expect(b!.type).toBe("oa.query.hide");
    return b!.payload as string;
  };
  const texts = (msgs: FakeOaSent[]) => msgs.map((m) => m.text ?? "").join("\n---\n");

  beforeAll(async () => {
    fake = await startFakeZaloOa();
    // The first token pair is loaded as an officer does once; then it expires at Zalo so the first send
    // has to refresh it.
    svc = await startServiceWithFakeOa(kind, fake, { PUBLIC_BASE_URL: "https://gopy.example.gov.vn" });
    fake.expireAccessToken();
    adminKey = await svc.createKey("admin");
  });
  afterAll(async () => {
    await svc?.stop();
    await fake?.close();
  });

  it("follow starts the subscribe conversation; mai pha → confirm → consent by button payloads", async () => {
    const hello = await deliver(fake.follow(user));
    expect(texts(hello)).toContain(t("vi", "sub.welcome").slice(0, 20));
    expect(fake.refreshCalls).toBe(1); // the expired token was refreshed once, and the send retried

    const confirm = await say("mai pha");
    expect(texts(confirm)).toContain("Phường Đông Kinh");
    expect(texts(confirm)).toContain("Mai Pha");
    const consent = await press(payloadOf(confirm, t("vi", "sub.yes")));
    expect(texts(consent)).toContain(t("vi", "sub.consent").slice(0, 30));
    const done = await press(payloadOf(consent, t("vi", "sub.consentYes")));
    expect(texts(done)).toContain(t("vi", "sub.subscribed", { unit: "Phường Đông Kinh" }).slice(0, 40));

    const rows = await queryRows<{ status: string; consent_at: Date | null; unit_code: string; external_id: string }>(svc.database.db, sql`
      select s.status, s.consent_at, u.unit_code, s.external_id from subscribers s join subscriptions u on u.subscriber_id = s.id
      where s.channel = 'zalo-oa'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "active", unit_code: DONG_KINH, external_id: user });
    expect(rows[0]!.consent_at).not.toBeNull();
  });

  it("answers by button payload and by text, then comments", async () => {
    const created = await svc.api("POST", "/api/v1/drafts", {
      key: adminKey,
      body: teaDraftBody(DONG_KINH),
    });
    expect(created.status, created.text).toBe(201);
    draftId = created.body.id as string;
    questionIds = (created.body.questions as { id: string }[]).map((q) => q.id);
    // A neighbour subscribed too, but has not written to the OA for 8 days: Zalo would refuse (-230).
    const neighbour = bigId();
    const c = await deliver(fake.follow(neighbour)).then(() => deliver(fake.userText(neighbour, "dong kinh")));
    const k = await deliver(fake.userText(neighbour, payloadOf(c, t("vi", "sub.yes"))));
    await deliver(fake.userText(neighbour, payloadOf(k, t("vi", "sub.consentYes"))));
    fake.setLastInteraction(neighbour, Date.now() - 8 * 86_400_000);
    await svc.database.db.execute(sql`update subscribers set last_interaction_at = now() - interval '8 days' where external_id = ${neighbour}`);

    const before = fake.sent.length;
    const published = await svc.api("POST", `/api/v1/drafts/${draftId}/publish`, { key: adminKey, body: {} });
    expect(published.status, published.text).toBe(200);
    await untilDelivered(svc.database.db, () => fake.sent.length, before);
    const announcement = fake.sent.slice(before);
    expect(announcement).toHaveLength(1);
    expect(announcement[0]).toMatchObject({ userId: user });
    expect(announcement[0]!.text).toContain("Quy định hỗ trợ phát triển chè Lạng Sơn");
    // announcements invite a reply, so that the 7-day window reopens
    expect(announcement[0]!.text).toContain(t("vi", "zalo.replyToKeepWindow", { days: 7 }));
    const status = await svc.api("GET", `/api/v1/drafts/${draftId}/broadcasts`, { key: adminKey });
    expect(status.status, status.text).toBe(200);
    const resident = (status.body.items as { kind: string; outsideWindow: number; counts: Record<string, number> }[]).find((b) => b.kind === "announcement");
    expect(resident).toMatchObject({ outsideWindow: 1, counts: { sent: 1, outside_window: 1 } });
    const goPayload = payloadOf(announcement, t("vi", "broadcast.button.answer"));
    expect(goPayload).toBe(encodeOaPayload(encodeAction({ type: "answer", draftId })));

    // Pressing "Góp ý": Zalo sends the hidden payload back as the user's text.
    const q1 = await press(goPayload);
    expect(texts(q1)).toContain("Mức hỗ trợ 50% có phù hợp không?");
    const q2 = await press(payloadOf(q1, "Phù hợp"));
    expect(texts(q2)).toContain(t("vi", "answer.recorded", { choice: "Phù hợp" }));
    expect(texts(q2)).toContain("Bạn có đồng ý với dự thảo không?");
    const askComment = await say("dong y");
    expect(texts(askComment)).toContain(t("vi", "answer.recorded", { choice: "Đồng ý" }));
    const thanks = await say("Điều 5: nên hỗ trợ cả phân bón hữu cơ");
    expect(texts(thanks)).toMatch(/Cảm ơn bạn/);

    const answers = await queryRows<{ question_id: string; choice_index: number }>(svc.database.db, sql`
      select question_id, choice_index from answers where draft_id = ${draftId}`);
    expect(Object.fromEntries(answers.map((a) => [a.question_id, a.choice_index]))).toEqual({ [questionIds[0]!]: 0, [questionIds[1]!]: 0 });
    const comments = await queryRows<{ text: string }>(svc.database.db, sql`select text from comments where draft_id = ${draftId}`);
    expect(comments.map((c) => c.text)).toEqual([expect.stringContaining("phân bón hữu cơ")]);
  });

  it("stops: STOP wins, then an unfollow marks the person gone and nothing more is sent", async () => {
    await press(encodeOaPayload(encodeAction({ type: "answer", draftId })));
    const stopped = await say("huỷ");
    expect(texts(stopped)).toContain(t("vi", "stop.done"));
    const status = async () => (await queryRows<{ status: string }>(svc.database.db, sql`select status from subscribers where external_id = ${user}`))[0]!.status;
    expect(await status()).toBe("stopped");

    const before = fake.sent.length;
    expect((await post(fake.unfollow(user))).status).toBe(200);
    await expect.poll(status, { timeout: 10_000 }).toBe("gone");
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.sent.length).toBe(before);
  });

  it("does not attempt to message a resident silent for more than 7 days: the delivery ends outside_window", async () => {
    const silent = bigId();
    await deliver(fake.follow(silent));
    const [sub] = await queryRows<{ id: string }>(svc.database.db, sql`select id from subscribers where external_id = ${silent}`);
    await svc.database.db.execute(sql`update subscribers set last_interaction_at = now() - interval '8 days' where id = ${sub!.id}`);
    const before = fake.sent.length;
    await enqueue(svc.database.db, [{ subscriberId: sub!.id, channel: "zalo-oa", kind: "reminder", message: { text: "Nhắc góp ý" } }]);
    await expect.poll(async () => (await queryRows<{ state: string; error_kind: string | null }>(svc.database.db, sql`
      select state, error_kind from deliveries where subscriber_id = ${sub!.id} and kind = 'reminder'`))[0], { timeout: 15_000 })
      .toEqual({ state: "outside_window", error_kind: "outside_window" });
    expect(fake.sent.length).toBe(before);
  });
});
