import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../../src/db/client.js";
import { databaseKinds } from "../../support/database.js";
import type { TestService } from "../../support/service.js";
import { startServiceWithFakeOa } from "../../support/zalo-oa.js";
import { bigId, startFakeZaloOa, type FakeZaloOa } from "../../fakes/zalo-oa-api.js";

/**
 * Zalo OA is answered before an update is handled (2 s limit), so one person's messages sent back to back
 * are in flight together: they must still be handled in arrival order.
 */
describe.each(databaseKinds)("Zalo OA, one person's messages in arrival order (%s)", (kind) => {
  let fake: FakeZaloOa;
  let svc: TestService;

  beforeAll(async () => {
    fake = await startFakeZaloOa();
    svc = await startServiceWithFakeOa(kind, fake);
  });
  afterAll(async () => {
    await svc?.stop();
    await fake?.close();
  });

  it("6 people each send follow, a commune, 'có', 'đồng ý' back to back: every one ends subscribed", async () => {
    const people = Array.from({ length: 6 }, () => bigId());
    const post = async (event: Record<string, unknown>) => {
      const { rawBody, headers } = fake.signedEvent(event);
      const res = await svc.api("POST", "/webhooks/zalo-oa", { rawBody, headers });
      expect(res.status).toBe(200);
    };
    await Promise.all(
      people.map(async (uid) => {
        await post(fake.follow(uid));
        for (const text of ["mai pha", "có", "đồng ý"]) await post(fake.userText(uid, text));
      }),
    );
    const subscribed = async () =>
      (await queryRows<{ external_id: string }>(svc.database.db, sql`
        select s.external_id from subscribers s join subscriptions x on x.subscriber_id = s.id
        where s.channel = 'zalo-oa' and s.status = 'active' and x.unit_code = '05977'`)).map((r) => r.external_id).sort();
    await expect.poll(() => fake.sent.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(people.length * 4);
    await new Promise((r) => setTimeout(r, 500));
    expect(await subscribed()).toEqual([...people].sort());
  });
});
