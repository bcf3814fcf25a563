import pg from "pg";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/db/client.js";
import { databaseKinds } from "../support/database.js";
import { startTestService, type TestService } from "../support/service.js";
import { startEmulator, type Emulator } from "../bots/telegram/emulator.js";

const TOKEN = "987654321:AAEmulatorTokenForGopyTests_0123456789";
const SECRET = "gopy-webhook-secret-0123456789";

/**
 * PostgreSQL's connections cut under the running service (its backends terminated; the shared server is
 * never restarted): while the database cannot be reached, Telegram's webhook calls are answered with a
 * status that makes Telegram retry (not 200), and once it can, the service reconnects by itself and the
 * retried update is handled — once. PostgreSQL only: PGlite runs in the process and has no connections.
 */
// PostgreSQL only (PGlite has no server connections to cut): on a PGlite-only run this shows as skipped.
describe.runIf(databaseKinds.includes("postgres"))("the service when PostgreSQL's connections are cut (postgres; needs TEST_DATABASE_URL)", () => {
  const kind = "postgres" as const;
  let emu: Emulator;
  let svc: TestService;
  let admin: pg.Client;
  let dbName: string;
  const update = (id: number, text: string) => ({
    update_id: id,
    message: { message_id: id, date: Math.floor(Date.now() / 1000), text, from: { id: 4242, is_bot: false, first_name: "Lan" }, chat: { id: 4242, type: "private" } },
  });
  const post = (body: unknown) => svc.api("POST", "/webhooks/telegram", { body, headers: { "x-telegram-bot-api-secret-token": SECRET } });
  const inbound = async () => (await queryRows<{ n: number }>(svc.database.db, sql`select count(*)::int as n from inbound_updates`))[0]!.n;

  beforeAll(async () => {
    emu = await startEmulator(TOKEN, { userId: 4242, firstName: "Lan" });
    svc = await startTestService(kind, { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_MODE: "webhook", TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: emu.apiRoot });
    dbName = new URL((svc.database as { url?: string }).url!).pathname.slice(1);
    admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.query(`alter database ${dbName} allow_connections true`).catch(() => undefined);
    await admin?.end();
    await svc?.stop();
    await emu?.stop();
  });

  it("answers webhooks 5xx while the database is unreachable, reconnects, and handles the retried update once", async () => {
    expect((await post(update(1, "/start"))).status).toBe(200);
    await expect.poll(() => emu.received().length, { timeout: 10_000 }).toBe(1);

    // Cut every connection of the service's database, and keep new ones out for a while.
    await admin.query(`alter database ${dbName} allow_connections false`);
    await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [dbName]);

    const during = await post(update(2, "mai pha"));
    expect(during.status).toBeGreaterThanOrEqual(500);
    expect((await svc.api("GET", "/readyz")).status).toBe(503);

    await admin.query(`alter database ${dbName} allow_connections true`);
    await expect.poll(async () => (await svc.api("GET", "/readyz")).status, { timeout: 15_000 }).toBe(200);

    // Telegram retries the update it did not get a 200 for: handled now, and only once.
    const before = await inbound();
    expect((await post(update(2, "mai pha"))).status).toBe(200);
    expect((await post(update(2, "mai pha"))).status).toBe(200);
    expect((await inbound()) - before).toBe(1);
    await expect.poll(() => emu.received().length, { timeout: 10_000 }).toBe(2);
  });
});
