import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows } from "../../src/db/client.js";
import { loadConfig } from "../../src/config.js";
import { inboundUpdates } from "../../src/db/schema/index.js";
import { createScheduler } from "../../scheduler/scheduler.js";
import { housekeepingJob } from "../../scheduler/jobs/housekeeping.js";
import { databaseKinds, quietLogger } from "../support/database.js";
import { useTestDatabase } from "../support/lifecycle.js";

describe.each(databaseKinds)("scheduler: housekeeping on %s", (kind) => {
  const database = useTestDatabase(kind);

  it("forgets replay keys older than 30 days and keeps the recent ones", async () => {
    const now = new Date(Date.UTC(2031, 2, 1, 20, 30));
    const day = 86_400_000;
    await database.db.insert(inboundUpdates).values([
      { channel: "telegram", updateKey: "old", receivedAt: new Date(now.getTime() - 31 * day) },
      { channel: "telegram", updateKey: "recent", receivedAt: new Date(now.getTime() - 2 * day) },
    ]);
    const s = createScheduler({ db: database.db, logger: quietLogger(), config: loadConfig({ NODE_ENV: "test" }), jobs: [housekeepingJob()], owner: "A" });
    expect(await s.runSlot("housekeeping", now)).toBe("ran");
    const keys = await queryRows<{ update_key: string }>(database.db, sql`select update_key from inbound_updates order by update_key`);
    expect(keys.map((k) => k.update_key)).toEqual(["recent"]);
  });
});
