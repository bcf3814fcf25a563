import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { drafts } from "../../src/db/schema/index.js";
import { draftDigest } from "../../src/domain/digest/data.js";
import { renderDigest } from "../../src/domain/digest/render.js";
import { databaseKinds } from "../support/database.js";
import { useTestDatabase } from "../support/lifecycle.js";
import { seedReport, TZ } from "./report-seed.js";

describe.each(databaseKinds)("online and offline side by side in the officers' digest on %s", (kind) => {
  const database = useTestDatabase(kind);
  let seed: Awaited<ReturnType<typeof seedReport>>;
  beforeAll(async () => {
    seed = await seedReport(database.db);
  });

  it("names each channel and the offline meetings apart, without adding them up", async () => {
    const [a] = await database.db.select().from(drafts).where(eq(drafts.id, seed.draft.id));
    const [b] = await database.db.select().from(drafts).where(eq(drafts.id, seed.draftB.id));
    const now = new Date();
    const text = renderDigest("vi", [await draftDigest(database.db, a!, null, now), await draftDigest(database.db, b!, null, now)], now, { timeZone: TZ, windowDays: 7 });
    const lines = text.split("\n");
    expect(lines).toContain("🏛 Trực tiếp (hội nghị, tuyên truyền viên), tính riêng: 1 buổi, 40 người dự, 73 lượt trả lời, 4 ý kiến.");
    // Draft A: one channel online, and offline meetings → the channel line with Telegram alone.
    expect(lines).toContain("📱 Theo kênh: Telegram 3 người (4 trả lời)");
    // Draft B: two channels, no meeting.
    expect(lines).toContain("📱 Theo kênh: Telegram 1 người (1 trả lời); Zalo OA 1 người (1 trả lời)");
    expect(lines.filter((l) => l.startsWith("🏛"))).toHaveLength(1);
    // The online participation line is unchanged by the 40 people met offline.
    expect(lines).toContain("👥 Tham gia: 3/4 người đăng ký (75%).");
  });
});
