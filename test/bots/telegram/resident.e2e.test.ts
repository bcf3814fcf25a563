import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../../src/db/client.js";
import { t } from "../../../src/i18n/index.js";
import { databaseKinds } from "../../support/database.js";
import { startTestService, type TestService } from "../../support/service.js";
import { startEmulator, type Emulator, type Received } from "./emulator.js";
import { untilDelivered } from "../../support/delivery.js";
import { teaDraftBody } from "../../support/drafts.js";

const TOKEN = "987654321:AAEmulatorTokenForGopyTests_0123456789";
const SECRET = "gopy-webhook-secret-0123456789";
const DONG_KINH = "05977";
const RESIDENT = 5150;

/**
 * A resident on Telegram, end to end: telegram-test-api plays Telegram, the real service runs in webhook
 * mode with its secret, and the person's updates reach POST /webhooks/telegram as Telegram would post them.
 */
describe.each(databaseKinds)("Telegram resident, end to end (%s)", (kind) => {
  let emu: Emulator;
  let svc: TestService;
  let adminKey = "";
  let draftId = "";
  let questionIds: string[] = [];

  const count = async (q: ReturnType<typeof sql>) => (await queryRows<{ n: number }>(svc.database.db, q))[0]!.n;
  const postUpdate = (update: unknown, headers: Record<string, string> = { "x-telegram-bot-api-secret-token": SECRET }) =>
    svc.api("POST", "/webhooks/telegram", { rawBody: JSON.stringify(update), headers });

  /** Post what the resident did to our webhook, wait until every reply reached the emulator, return them. */
  async function deliver(expectReply = true): Promise<Received[]> {
    const before = emu.received().length;
    const updates = emu.takeUpdates();
    expect(updates.length).toBeGreaterThan(0);
    for (const u of updates) expect((await postUpdate(u)).status).toBe(200);
    await untilDelivered(svc.database.db, () => emu.received().length, before, expectReply);
    return emu.received().slice(before);
  }
  const say = async (text: string) => {
    await emu.client.sendMessage(emu.client.makeMessage(text));
    return deliver();
  };
  const command = async (text: string) => {
    await emu.client.sendCommand(emu.client.makeCommand(text));
    return deliver();
  };
  const press = async (data: string, expectReply = true) => {
    await emu.client.sendCallback(emu.client.makeCallbackQuery(data));
    return deliver(expectReply);
  };
  const buttonData = (msgs: Received[], label: string) => {
    const b = msgs.flatMap((m) => m.buttons).find((x) => x.text === label);
    expect(b, `a button "${label}" in ${JSON.stringify(msgs)}`).toBeDefined();
    return b!.data!;
  };
  const texts = (msgs: Received[]) => msgs.map((m) => m.text).join("\n---\n");

  beforeAll(async () => {
    emu = await startEmulator(TOKEN, { userId: RESIDENT, firstName: "Hoa" });
    svc = await startTestService(kind, {
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_MODE: "webhook",
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: emu.apiRoot,
      PUBLIC_BASE_URL: "https://gopy.example.gov.vn",
    });
    adminKey = await svc.createKey("admin");
  });
  afterAll(async () => {
    await svc?.stop();
    await emu?.stop();
  });

  it("registers the webhook with its secret at start (the emulator lacks setMyCommands: tolerated)", () => {
    expect(emu.registeredWebhook()).toMatchObject({ url: "https://gopy.example.gov.vn/webhooks/telegram", secret_token: SECRET });
    // The emulator would post updates without the secret header; from here on the test posts them itself.
    emu.dropWebhook();
  });

  it("subscribes by an old commune name without diacritics: mai pha → confirm → consent", async () => {
    const hello = await command("/start");
    expect(texts(hello)).toContain(t("vi", "sub.welcome").slice(0, 20));

    const confirm = await say("mai pha");
    expect(texts(confirm)).toContain("Phường Đông Kinh");
    expect(texts(confirm)).toContain("Mai Pha");
    const consent = await press(buttonData(confirm, t("vi", "sub.yes")));
    expect(texts(consent)).toContain(t("vi", "sub.consent").slice(0, 30));
    const done = await press(buttonData(consent, t("vi", "sub.consentYes")));
    expect(texts(done)).toContain(t("vi", "sub.subscribed", { unit: "Phường Đông Kinh" }).slice(0, 40));

    const rows = await queryRows<{ status: string; consent_at: Date | null; unit_code: string }>(svc.database.db, sql`
      select s.status, s.consent_at, u.unit_code from subscribers s join subscriptions u on u.subscriber_id = s.id
      where s.channel = 'telegram' and s.external_id = ${String(RESIDENT)}`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "active", unit_code: DONG_KINH });
    expect(rows[0]!.consent_at).not.toBeNull();
  });

  it("receives the announcement of a published draft, with its buttons", async () => {
    const opens = new Date(Date.now() - 60_000);
    const closes = new Date(Date.now() + 35 * 86_400_000);
    const created = await svc.api("POST", "/api/v1/drafts", {
      key: adminKey,
      body: teaDraftBody(DONG_KINH, { opens, closes }),
    });
    expect(created.status, created.text).toBe(201);
    draftId = created.body.id as string;
    questionIds = (created.body.questions as { id: string }[]).map((q) => q.id);
    const before = emu.received().length;
    const published = await svc.api("POST", `/api/v1/drafts/${draftId}/publish`, { key: adminKey, body: {} });
    expect(published.status, published.text).toBe(200);

    await untilDelivered(svc.database.db, () => emu.received().length, before);
    const announcement = emu.received().slice(before);
    expect(announcement).toHaveLength(1);
    expect(announcement[0]!.text).toContain("Quy định hỗ trợ phát triển chè Lạng Sơn");
    expect(announcement[0]!.text).toContain("https://langson.gov.vn/du-thao/che");
    expect(announcement[0]!.buttons.map((b) => b.data)).toEqual(expect.arrayContaining([`answer:${draftId}`, `more:${draftId}`, "unsub"]));
  });

  it("answers by button and by text, changes an answer, then comments", async () => {
    const q1 = await press(`answer:${draftId}`);
    expect(texts(q1)).toContain("Mức hỗ trợ 50% có phù hợp không?");
    expect(q1.at(-1)!.buttons.map((b) => b.data)).toEqual([0, 1, 2].map((i) => `choice:${questionIds[0]}:${i}`));

    const q2 = await press(`choice:${questionIds[0]}:0`);
    expect(texts(q2)).toContain(t("vi", "answer.recorded", { choice: "Phù hợp" }));
    expect(texts(q2)).toContain("Bạn có đồng ý với dự thảo không?");

    const askComment = await say("dong y");
    expect(texts(askComment)).toContain(t("vi", "answer.recorded", { choice: "Đồng ý" }));
    expect(texts(askComment)).toContain(t("vi", "answer.commentAsk").slice(0, 25));

    // The first question's buttons are still on screen: pressing another choice changes the answer.
    const changed = await press(`choice:${questionIds[0]}:1`);
    expect(texts(changed)).toContain(t("vi", "answer.changed", { choice: "Nên cao hơn" }));
    // Pressing the same button again changes nothing twice.
    const historyBefore = await count(sql`select count(*)::int as n from answer_history where question_id = ${questionIds[0]!}`);
    const again = await press(`choice:${questionIds[0]}:1`, false);
    expect(texts(again)).not.toContain(t("vi", "answer.changed", { choice: "Nên cao hơn" }));
    expect(await count(sql`select count(*)::int as n from answer_history where question_id = ${questionIds[0]!}`)).toBe(historyBefore);

    // The change walked on to question 2, showing its current answer; confirming it leads to the comment.
    expect(texts(changed)).toContain(t("vi", "answer.current", { choice: "Đồng ý" }));
    const toComment = await press(`choice:${questionIds[1]}:0`);
    expect(texts(toComment)).toContain(t("vi", "answer.commentAsk").slice(0, 25));

    const comment = await say("Điều 5: nên hỗ trợ cả phân bón hữu cơ");
    expect(texts(comment)).toContain(t("vi", "comment.savedArticle", { article: "Điều 5" }).slice(0, 30));

    const answers = await queryRows<{ question_id: string; choice_index: number }>(svc.database.db, sql`
      select question_id, choice_index from answers where draft_id = ${draftId} order by question_id`);
    expect(Object.fromEntries(answers.map((a) => [a.question_id, a.choice_index]))).toEqual({ [questionIds[0]!]: 1, [questionIds[1]!]: 0 });
    const comments = await queryRows<{ text: string; article: string | null }>(svc.database.db, sql`select text, article from comments where draft_id = ${draftId}`);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.text).toContain("phân bón hữu cơ");
    expect(comments[0]!.article).toMatch(/5/);
  });

  it("stops in the middle of answering: STOP wins, nothing more is sent", async () => {
    const q1 = await press(`answer:${draftId}`);
    expect(texts(q1)).toContain("Mức hỗ trợ 50% có phù hợp không?");
    const stopped = await say("huỷ");
    expect(texts(stopped)).toContain(t("vi", "stop.done"));
    const [s] = await queryRows<{ status: string }>(svc.database.db, sql`select status from subscribers where external_id = ${String(RESIDENT)}`);
    expect(s!.status).toBe("stopped");
    // A stale answer button after stopping: told how to come back, no answer stored.
    const stale = await press(`choice:${questionIds[0]}:2`);
    expect(texts(stale)).toContain(t("vi", "sub.stoppedHint"));
    expect(await count(sql`select count(*)::int as n from answers where draft_id = ${draftId} and choice_index = 2`)).toBe(0);
  });
});
