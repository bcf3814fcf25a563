import fc from "fast-check";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { queryRows } from "../../src/db/client.js";
import { comments } from "../../src/db/schema/index.js";
import { draftBody } from "../support/drafts.js";
import { seedFeedback } from "../support/feedback-seed.js";
import { startTestService, type TestService } from "../support/service.js";
import { startEmulator, type Emulator } from "../bots/telegram/emulator.js";
import { headerValue, nastyNumber, nastyString, nastyValue, urlPart } from "../support/arbitraries.js";

const TOKEN = "987654321:AAEmulatorTokenForGopyTests_0123456789";
const SECRET = "gopy-webhook-secret-0123456789";

/** A valid body with one field (possibly nested) replaced by a nasty value, or arbitrary JSON. */
function mutated(base: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(base);
  if (!keys.length) return fc.jsonValue({ maxDepth: 3 });
  return fc.oneof(
    fc.tuple(fc.constantFrom(...keys), nastyValue).map(([k, v]) => ({ ...base, [k]: v })),
    fc.jsonValue({ maxDepth: 3 }),
  );
}

async function counts(svc: TestService) {
  return (await queryRows<Record<string, number>>(svc.database.db, sql`select
    (select count(*)::int from drafts) d, (select count(*)::int from questions) q, (select count(*)::int from agencies) a,
    (select count(*)::int from audit_log) l, (select count(*)::int from invites) i, (select count(*)::int from comments) c,
    (select count(*)::int from subscribers) s, (select count(*)::int from inbound_updates) u`))[0]!;
}

/**
 * Arbitrary bodies, headers and strings on every API operation, the Telegram webhook and the simulator (the
 * Zalo OA and Zalo Bot webhooks: zalo-webhooks.property.test.ts): never a 5xx, and a refused request (4xx)
 * writes nothing.
 */
describe("arbitrary input on every entry point", () => {
  let svc: TestService;
  let emu: Emulator;
  let admin: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    emu = await startEmulator(TOKEN, { userId: 777, firstName: "Hà" });
    svc = await startTestService("pglite", {
      TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_MODE: "webhook", TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: emu.apiRoot, SIMULATOR_ENABLED: "true",
    });
    admin = await svc.createKey("admin");
    const seed = await seedFeedback(svc.database.db);
    const [c] = await svc.database.db.select().from(comments).where(eq(comments.draftId, seed.draft.id)).limit(1);
    ids.comment = c!.id;
    ids.draft = (await svc.api("POST", "/api/v1/drafts", { key: admin, body: draftBody("Sở Tư pháp") })).body.id as string;
    ids.broadcast = "00000000-0000-4000-8000-000000000000";
  });
  afterAll(async () => {
    await svc?.stop();
    await emu?.stop();
  });

  async function expectSafe(method: string, path: string, opts: { key?: string; rawBody?: string; headers?: Record<string, string> }) {
    const before = await counts(svc);
    const res = await svc.api(method, path, opts);
    expect(res.status, `${method} ${path} ${opts.rawBody?.slice(0, 200)} → ${res.text.slice(0, 200)}`).toBeLessThan(500);
    if (res.status >= 400) expect(await counts(svc), `${method} ${path} ${opts.rawBody?.slice(0, 200)}`).toEqual(before);
  }

  it("every API operation: arbitrary bodies, query strings and path ids", async () => {
    const doc = (await svc.api("GET", "/openapi.json")).body as { paths: Record<string, Record<string, unknown>> };
    const bases: Record<string, Record<string, unknown>> = {
      "/api/v1/drafts": draftBody("Sở Tư pháp"),
      "/api/v1/drafts/{id}": { title: "Tiêu đề", commentClosesAt: "2030-01-01T00:00:00+07:00" },
      "/api/v1/comments/{id}": { moderation: "flagged", handlingNote: "ghi chú" },
      "/api/v1/invites": { role: "officer", communes: ["05977"], agency: "Sở Tư pháp", expiresInDays: 3 },
    };
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops).map((m) => m.toUpperCase())) {
        const entity = path.includes("/comments/") ? "comment" : path.includes("/broadcasts/{id}") && !path.includes("drafts") ? "broadcast" : "draft";
        await fc.assert(
          fc.asyncProperty(mutated(bases[path] ?? {}), fc.option(nastyString), fc.option(nastyString), async (body, q, id) => {
            const real = path.replace("{id}", id === null ? ids[entity]! : urlPart(id));
            const query = q === null ? "" : `?q=${urlPart(q)}&agency=${urlPart(q)}&from=${urlPart(q)}&format=${urlPart(q)}`;
            await expectSafe(method, real + query, { key: admin, ...(method === "GET" ? {} : { rawBody: JSON.stringify(body) }) });
          }),
          { numRuns: 15 },
        );
      }
    }
  });

  it("the Telegram webhook: arbitrary updates with nasty text, dates and ids", async () => {
    const update = fc.record({
      update_id: nastyNumber,
      message: fc.record({
        message_id: nastyNumber,
        date: nastyNumber,
        text: nastyString,
        from: fc.record({ id: nastyNumber, is_bot: fc.boolean(), first_name: nastyString }),
        chat: fc.record({ id: nastyNumber, type: fc.constantFrom("private", "group") }),
      }),
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof(update, fc.jsonValue({ maxDepth: 3 })), async (body) => {
        await expectSafe("POST", "/webhooks/telegram", { rawBody: JSON.stringify(body), headers: { "x-telegram-bot-api-secret-token": SECRET, "content-type": "application/json" } });
      }),
      { numRuns: 60 },
    );
  });

  it("the simulator: arbitrary messages", async () => {
    const message = fc.record({ userId: nastyString, text: nastyString }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(fc.oneof(message, fc.jsonValue({ maxDepth: 2 })), async (body) => {
        await expectSafe("POST", "/sim/messages", { rawBody: JSON.stringify(body) });
      }),
      { numRuns: 40 },
    );
  });

  it("arbitrary headers on the API: never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(headerValue, headerValue, headerValue, async (auth, type, rid) => {
        await expectSafe("POST", "/api/v1/drafts", { rawBody: "{}", headers: { authorization: auth, "content-type": type || "application/json", "x-request-id": rid } });
        await expectSafe("GET", "/api/v1/drafts", { headers: { authorization: `Bearer ${auth}` } });
      }),
      { numRuns: 40 },
    );
  });
}, 600_000);
