import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { Database } from "../../src/db/client.js";
import { createBroadcaster } from "../../src/delivery/broadcast.js";
import { createDeliveryWorker } from "../../src/delivery/worker.js";
import { createMetrics } from "../../src/metrics.js";
import { allCommands } from "../../src/cli/commands/index.js";
import { createRegistry, UsageError, CliError } from "../../src/cli/registry.js";
import { createTestDatabase, databaseKinds, quietLogger } from "../support/database.js";
import { insertDraft, seedSubscribers, someUnits } from "../support/delivery.js";
import { startFakeTelegramApi, type FakeTelegramApi } from "../fakes/telegram-api.js";
import { createHttpTelegramAdapter } from "../fakes/http-telegram-adapter.js";

describe.each(databaseKinds)("CLI broadcast status on %s", (kind) => {
  let database: Database;
  let fake: FakeTelegramApi;
  const registry = createRegistry(allCommands);
  const found = registry.find(["broadcast", "status"])!;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    fake = await startFakeTelegramApi({ latencyMs: 1 });
  });
  afterAll(async () => {
    await fake.close();
    await database.close();
  });

  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const input = found.command.parse(args);
    const code = await found.command.run(
      { db: database.db, config: loadConfig({}), logger: quietLogger(), out: (l) => out.push(l), err: (l) => err.push(l), signal: new AbortController().signal, via: "database" },
      input,
    );
    return { code, out, err };
  };

  it("follows a broadcast with a progress bar until it is finished", async () => {
    const units = await someUnits(database.db, 2);
    await seedSubscribers(database.db, { count: 300, units, base: 8_000_000 });
    fake.failChat(8_000_005, "blocked");
    const draftId = await insertDraft(database.db, { units });
    const ref = await database.db.transaction((tx) => createBroadcaster({ timeZone: "Asia/Ho_Chi_Minh" }).draftPublished(tx, draftId, "t"));
    const adapter = createHttpTelegramAdapter({ apiRoot: fake.url, token: "1:t" });
    const worker = createDeliveryWorker({ db: database.db, adapters: [adapter], logger: quietLogger(), metrics: createMetrics(), rates: { telegram: 300 }, idlePollMs: 50 });
    await worker.start();
    const { out } = await run([ref!.broadcastId, "--follow", "--interval", "0.2"]);
    await worker.stop();
    adapter.close();
    expect(out[0]).toContain(`Broadcast ${ref!.broadcastId} (announcement, draft ${draftId})`);
    const bars = out.filter((l) => l.startsWith("["));
    expect(bars.length).toBeGreaterThan(1);
    expect(bars.at(-1)).toMatch(/^\[█{30}\] 100\.0% {2}300\/300 {2}sent 299 · failed 1 .* finished$/);
    expect(out).toContain("Failures by reason:");
    expect(out.some((l) => l.startsWith("  recipient_gone: 1"))).toBe(true);
  });

  it("refuses a malformed id and reports an unknown one", async () => {
    expect(() => found.command.parse(["nope"])).toThrow(UsageError);
    expect(() => found.command.parse([])).toThrow(UsageError);
    await expect(run(["00000000-0000-4000-8000-000000000000"])).rejects.toThrow(CliError);
  });
});
