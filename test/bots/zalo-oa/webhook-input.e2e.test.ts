import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../../src/db/client.js";
import { databaseKinds } from "../../support/database.js";
import type { TestService } from "../../support/service.js";
import { startServiceWithFakeOa } from "../../support/zalo-oa.js";
import { bigId, startFakeZaloOa, type FakeZaloOa } from "../../fakes/zalo-oa-api.js";

/** Bad input on POST /webhooks/zalo-oa against the real service (Zalo played by the fake OA API). */
describe.each(databaseKinds)("Zalo OA webhook, bad input (%s)", (kind) => {
  let fake: FakeZaloOa;
  let svc: TestService;

  const stored = async () =>
    (await queryRows<{ u: number; s: number }>(svc.database.db, sql`
      select (select count(*)::int from inbound_updates where channel = 'zalo-oa') as u,
             (select count(*)::int from subscribers where channel = 'zalo-oa') as s`))[0]!;
  const post = (rawBody: string, headers: Record<string, string>) => svc.api("POST", "/webhooks/zalo-oa", { rawBody, headers });
  const signRaw = (rawBody: string, ts: string) => ({
    "content-type": "application/json",
    "x-zevent-signature": "mac=" + createHash("sha256").update(fake.appId + rawBody + ts + fake.oaSecretKey).digest("hex"),
  });
  const settle = () => new Promise((r) => setTimeout(r, 400));

  beforeAll(async () => {
    fake = await startFakeZaloOa();
    svc = await startServiceWithFakeOa(kind, fake, { BODY_LIMIT: "16kb" });
  });
  afterAll(async () => {
    await svc?.stop();
    await fake?.close();
  });

  it("a missing, wrong or App-Secret signature, or a tampered body → 401, nothing stored, nothing sent", async () => {
    const before = await stored();
    const { rawBody, headers } = fake.signedEvent(fake.userText(bigId(), "mai pha"));
    const wrongKey = "mac=" + createHash("sha256").update(fake.appId + rawBody + JSON.parse(rawBody).timestamp + fake.appSecret).digest("hex");
    const attempts: Record<string, string>[] = [
      { "content-type": "application/json" },
      { ...headers, "x-zevent-signature": "mac=" + "0".repeat(64) },
      { ...headers, "x-zevent-signature": wrongKey },
      { ...headers, "x-zevent-signature": "garbage" },
    ];
    for (const h of attempts) {
      const res = await post(rawBody, h);
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toMatch(/problem\+json/);
    }
    expect((await post(rawBody.replace("mai pha", "mai phb"), headers)).status).toBe(401);
    await settle();
    expect(await stored()).toEqual(before);
    expect(fake.sent).toHaveLength(0);
  });

  it("the same msg_id delivered twice (Zalo's retry) → stored and answered once", async () => {
    const before = await stored();
    const { rawBody, headers } = fake.signedEvent(fake.userText(bigId(), "mai pha"));
    expect((await post(rawBody, headers)).status).toBe(200);
    expect((await post(rawBody, { ...headers, num_retry: "1" })).status).toBe(200);
    await expect.poll(() => fake.sent.length, { timeout: 10_000 }).toBe(1);
    await settle();
    const after = await stored();
    expect(after.u - before.u).toBe(1);
    expect(after.s - before.s).toBe(1);
    expect(fake.sent).toHaveLength(1);
  });

  it("a signed body that is not JSON → 400; a huge body → 413; nothing stored", async () => {
    const before = await stored();
    const notJson = '{"event_name":"user_send_text","timestamp":"1764000000000", oops';
    const bad = await post(notJson, signRaw(notJson, "1764000000000"));
    expect(bad.status).toBe(400);
    expect(bad.body.type).toMatch(/malformed-json/);
    const { rawBody, headers } = fake.signedEvent(fake.userText(bigId(), "x".repeat(20_000)));
    const big = await post(rawBody, headers);
    expect(big.status).toBe(413);
    await settle();
    expect(await stored()).toEqual(before);
  });

  it("unknown events, echoes of our own sends, admin replies and other OAs → 200 and ignored", async () => {
    const before = await stored();
    const sentBefore = fake.sent.length;
    const uid = bigId();
    for (const event of [
      { event_name: "user_click_rocket", sender: { id: uid }, recipient: { id: fake.oaId } },
      { event_name: "oa_send_text", sender: { id: fake.oaId }, recipient: { id: uid }, message: { text: "hi", msg_id: "e1" } },
      { ...fake.userText(uid, "xin chào"), sender: { id: uid, admin_id: "55" } },
      { ...fake.userText(uid, "xin chào"), recipient: { id: "999999999999999999" } },
      { event_name: "user_seen_message", sender: { id: uid }, recipient: { id: fake.oaId }, message: { msg_ids: ["1"] } },
      { hello: "world" },
    ]) {
      const { rawBody, headers } = fake.signedEvent(event);
      const res = await post(rawBody, headers);
      expect(res.status, JSON.stringify(event)).toBe(200);
    }
    await settle();
    expect(await stored()).toEqual(before);
    expect(fake.sent.length).toBe(sentBefore);
  });
  it("NUL in a message is stripped and the message is answered (not acknowledged then dropped)", async () => {
    const before = await stored();
    const uid = bigId();
    const { rawBody, headers } = fake.signedEvent(fake.userText(uid, "mai\u0000 pha"));
    expect((await post(rawBody, headers)).status).toBe(200);
    await expect.poll(() => fake.textsTo(uid).length, { timeout: 10_000 }).toBe(1);
    await settle();
    const after = await stored();
    expect([after.u - before.u, after.s - before.s]).toEqual([1, 1]);
  });
});
