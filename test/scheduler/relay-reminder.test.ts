import { beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { loadConfig } from "../../src/config.js";
import { noBroadcast } from "../../src/delivery/broadcaster.js";
import type { Db } from "../../src/db/client.js";
import { deliveries, drafts, relays, subscribers, subscriptions, type SubscriberStatus } from "../../src/db/schema/index.js";
import { findOrCreateAgency } from "../../src/domain/agencies.js";
import { relayReminderJob } from "../../scheduler/jobs/relay-reminder.js";
import { databaseKinds, quietLogger } from "../support/database.js";
import { useTestDatabase } from "../support/lifecycle.js";
import { DONG_KINH, LUONG_VAN_TRI } from "../support/feedback-seed.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** 10:00 in Vietnam (UTC+7) on 10/03/2031. */
const T = new Date(Date.UTC(2031, 2, 10, 3, 0, 0));
const before = (ms: number) => new Date(T.getTime() - ms);

describe.each(databaseKinds)("scheduler: relay follow-up on %s", (kind) => {
  const database = useTestDatabase(kind);
  let db: Db;
  const config = loadConfig({ NODE_ENV: "test" });
  let kicks = 0;
  const job = relayReminderJob({ broadcaster: { ...noBroadcast, kick: () => void kicks++ } });
  const run = (now: Date) => job.run({ db, logger: quietLogger(), config, now }) as Promise<{ reminded: number }>;

  beforeAll(() => {
    db = database.db;
  });

  let n = 0;
  async function propagandist(unit: string, status: SubscriberStatus = "active", locale = "vi") {
    const [s] = await db.insert(subscribers).values({ channel: "sim", externalId: `prop-${++n}`, status, locale }).returning();
    await db.insert(subscriptions).values({ subscriberId: s!.id, unitCode: unit, role: "propagandist" });
    return s!;
  }
  async function draft(title: string, status: "open" | "closed") {
    const agency = (await findOrCreateAgency(db, "Sở Nông nghiệp và Môi trường"))!;
    const [d] = await db
      .insert(drafts)
      .values({
        title, agencyId: agency.id, requiresPolicyProposal: true, affectsRightsAndObligations: true, sensitiveOrContested: false, provinceWide: false,
        summaryNecessity: "n", summaryMainContent: "m", summaryRightsChanges: "r", fullTextUrl: "https://langson.gov.vn/dt.pdf",
        commentOpensAt: before(5 * DAY), commentClosesAt: new Date(T.getTime() + 20 * DAY), status, createdBy: "test",
      })
      .returning();
    return d!;
  }
  const remindersOf = (subscriberId: string) =>
    db.select().from(deliveries).where(and(eq(deliveries.subscriberId, subscriberId), eq(deliveries.kind, "relay_reminder")));

  it("reminds a propagandist once, 24 h after an unconfirmed script, with the «Đã đọc» button; never at night", async () => {
    const open = await draft("Dự thảo quy định hỗ trợ giống cây trồng", "open");
    const closed = await draft("Dự thảo đã đóng", "closed");
    const due = await propagandist(DONG_KINH);
    const dueEn = await propagandist(LUONG_VAN_TRI, "active", "en");
    const recent = await propagandist(DONG_KINH);
    const confirmed = await propagandist(DONG_KINH);
    const stopped = await propagandist(DONG_KINH, "stopped");
    const ofClosed = await propagandist(LUONG_VAN_TRI);
    await db.insert(relays).values([
      { draftId: open.id, subscriberId: due.id, unitCode: DONG_KINH, sentAt: before(25 * HOUR) },
      { draftId: open.id, subscriberId: dueEn.id, unitCode: LUONG_VAN_TRI, sentAt: before(30 * HOUR) },
      { draftId: open.id, subscriberId: recent.id, unitCode: DONG_KINH, sentAt: before(23 * HOUR) },
      { draftId: open.id, subscriberId: confirmed.id, unitCode: DONG_KINH, sentAt: before(30 * HOUR), confirmedAt: before(20 * HOUR), readAt: "14:00" },
      { draftId: open.id, subscriberId: stopped.id, unitCode: DONG_KINH, sentAt: before(30 * HOUR) },
      { draftId: closed.id, subscriberId: ofClosed.id, unitCode: LUONG_VAN_TRI, sentAt: before(30 * HOUR) },
    ]);

    // 22:00 local: quiet hours, nothing is sent or marked.
    expect(await run(new Date(T.getTime() + 12 * HOUR))).toEqual({ reminded: 0 });
    expect(await remindersOf(due.id)).toEqual([]);
    expect(kicks).toBe(0);

    expect(await run(T)).toEqual({ reminded: 2 });
    expect(kicks).toBe(1);
    const [mine] = await remindersOf(due.id);
    expect(mine).toMatchObject({ channel: "sim", priority: 10, state: "queued", broadcastId: null });
    expect(mine!.message.text).toBe(
      "🔔 Nhắc việc: bài đọc trên loa về dự thảo «Dự thảo quy định hỗ trợ giống cây trồng» (Phường Đông Kinh) gửi lúc 09/03/2031 09:00 chưa được xác nhận. Sau khi đọc trên loa truyền thanh hoặc niêm yết ở bảng tin, xin bấm «Đã đọc».",
    );
    expect(mine!.message.buttons).toEqual([[{ label: "Đã đọc", action: `read:${open.id}` }]]);
    const [en] = await remindersOf(dueEn.id);
    expect(en!.message.text).toContain("Reminder: the read-aloud script on the draft “Dự thảo quy định hỗ trợ giống cây trồng” (Phường Lương Văn Tri)");
    expect(en!.message.buttons).toEqual([[{ label: "Read", action: `read:${open.id}` }]]);
    const [rel] = await db.select().from(relays).where(eq(relays.subscriberId, due.id));
    expect(rel!.remindedAt).toEqual(T);
    for (const s of [recent, confirmed, stopped, ofClosed]) expect(await remindersOf(s.id)).toEqual([]);

    // The same run again: nothing. An hour later the script sent 23 h before is due: that one only; then nothing.
    expect(await run(T)).toEqual({ reminded: 0 });
    expect(await run(new Date(T.getTime() + HOUR))).toEqual({ reminded: 1 });
    expect(await run(new Date(T.getTime() + 2 * HOUR))).toEqual({ reminded: 0 });
    expect(await remindersOf(due.id)).toHaveLength(1);
    expect(await remindersOf(recent.id)).toHaveLength(1);
  });
});
