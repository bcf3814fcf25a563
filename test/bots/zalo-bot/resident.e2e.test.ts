import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../../src/db/client.js";
import { t } from "../../../src/i18n/index.js";
import { databaseKinds } from "../../support/database.js";
import { startTestService, type TestService } from "../../support/service.js";
import { startFakeZaloBot, type FakeZaloBot } from "../../fakes/zalo-bot-api.js";
import { untilDelivered } from "../../support/delivery.js";
import { teaDraftBody } from "../../support/drafts.js";

const SECRET = "zalo-bot-webhook-secret-0123";
const DONG_KINH = "05977";
const CHAT = "a1b2c3d4e5f60718";

/**
 * A resident on the Zalo Bot, end to end, in webhook mode: the fake Bot API records what is sent, the test
 * posts the resident's updates to POST /webhooks/zalo-bot (wrapped in {ok,result} as documented, and bare).
 * The Bot has no buttons: choices arrive numbered and the resident types the number.
 */
describe.each(databaseKinds)("Zalo Bot resident, end to end (%s)", (kind) => {
  let fake: FakeZaloBot;
  let svc: TestService;
  let adminKey = "";
  let draftId = "";
  let questionIds: string[] = [];
  let wrapped = true;

  const post = (body: unknown, headers: Record<string, string> = { "x-bot-api-secret-token": SECRET }) =>
    svc.api("POST", "/webhooks/zalo-bot", { rawBody: JSON.stringify(body), headers });
  async function say(text: string): Promise<string> {
    const before = fake.sent.length;
    const update = fake.textUpdate(CHAT, text);
    wrapped = !wrapped; // alternate the documented wrapped form and the bare form seen in practice
    const res = await post(wrapped ? { ok: true, result: update } : update);
    expect(res.status, res.text).toBe(200);
    await untilDelivered(svc.database.db, () => fake.sent.length, before);
    return fake.sent.slice(before).map((m) => m.text).join("\n---\n");
  }
  /** The number a choice has in the numbered list of a reply. */
  const numberOf = (reply: string, label: string) => {
    const m = new RegExp(`^(\\d+)\\. ${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m").exec(reply);
    expect(m, `"${label}" numbered in: ${reply}`).not.toBeNull();
    return m![1]!;
  };

  beforeAll(async () => {
    fake = await startFakeZaloBot();
    svc = await startTestService(kind, {
      ZALO_BOT_TOKEN: fake.token,
      ZALO_BOT_MODE: "webhook",
      ZALO_BOT_WEBHOOK_SECRET: SECRET,
      ZALO_BOT_API_BASE: fake.url,
    });
    adminKey = await svc.createKey("admin");
  });
  afterAll(async () => {
    await svc?.stop();
    await fake?.close();
  });

  it("subscribes by an old commune name without diacritics, choosing by number: mai pha → 1 → có", async () => {
    expect(await say("/start")).toContain(t("vi", "sub.welcome").slice(0, 20));
    const confirm = await say("mai pha");
    expect(confirm).toContain("Phường Đông Kinh");
    expect(confirm).toContain("Mai Pha");
    const consent = await say(numberOf(confirm, t("vi", "sub.yes")));
    expect(consent).toContain(t("vi", "sub.consent").slice(0, 30));
    expect(numberOf(consent, t("vi", "sub.consentYes"))).toBe("1");
    const done = await say(numberOf(consent, t("vi", "sub.consentYes")));
    expect(done).toContain(t("vi", "sub.subscribed", { unit: "Phường Đông Kinh" }).slice(0, 40));
    const rows = await queryRows<{ status: string; unit_code: string }>(svc.database.db, sql`
      select s.status, u.unit_code from subscribers s join subscriptions u on u.subscriber_id = s.id
      where s.channel = 'zalo-bot' and s.external_id = ${CHAT}`);
    expect(rows).toEqual([{ status: "active", unit_code: DONG_KINH }]);
  });

  it("gets the announcement with numbered choices, answers by number and by text, then comments", async () => {
    const created = await svc.api("POST", "/api/v1/drafts", {
      key: adminKey,
      body: teaDraftBody(DONG_KINH),
    });
    expect(created.status, created.text).toBe(201);
    draftId = created.body.id as string;
    questionIds = (created.body.questions as { id: string }[]).map((q) => q.id);
    const before = fake.sent.length;
    const published = await svc.api("POST", `/api/v1/drafts/${draftId}/publish`, { key: adminKey, body: {} });
    expect(published.status, published.text).toBe(200);
    await untilDelivered(svc.database.db, () => fake.sent.length, before);
    const announcement = fake.sent.slice(before).map((m) => m.text).join("\n");
    expect(announcement).toContain("Quy định hỗ trợ phát triển chè Lạng Sơn");
    expect(announcement).not.toContain(t("vi", "zalo.replyToKeepWindow", { days: 7 })); // the 7-day rule is the OA's only

    const q1 = await say(numberOf(announcement, t("vi", "broadcast.button.answer")));
    expect(q1).toContain("Mức hỗ trợ 50% có phù hợp không?");
    const q2 = await say("1");
    expect(q2).toContain(t("vi", "answer.recorded", { choice: "Phù hợp" }));
    expect(q2).toContain("Bạn có đồng ý với dự thảo không?");
    const askComment = await say("dong y");
    expect(askComment).toContain(t("vi", "answer.recorded", { choice: "Đồng ý" }));
    expect(await say("Điều 5: nên hỗ trợ cả phân bón hữu cơ")).toMatch(/Cảm ơn bạn/);

    const answers = await queryRows<{ question_id: string; choice_index: number }>(svc.database.db, sql`
      select question_id, choice_index from answers where draft_id = ${draftId}`);
    expect(Object.fromEntries(answers.map((a) => [a.question_id, a.choice_index]))).toEqual({ [questionIds[0]!]: 0, [questionIds[1]!]: 0 });
    const comments = await queryRows<{ text: string }>(svc.database.db, sql`select text from comments where draft_id = ${draftId}`);
    expect(comments.map((c) => c.text)).toEqual([expect.stringContaining("phân bón hữu cơ")]);
  });

  it("stops: STOP wins in the middle of answering", async () => {
    const q1 = await say("1"); // no buttons on screen any more: "1" is not a choice here…
    expect(q1.length).toBeGreaterThan(0);
    const stopped = await say("dừng");
    expect(stopped).toContain(t("vi", "stop.done"));
    const [s] = await queryRows<{ status: string }>(svc.database.db, sql`select status from subscribers where external_id = ${CHAT}`);
    expect(s!.status).toBe("stopped");
  });
});
