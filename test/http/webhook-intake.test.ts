import http from "node:http";
import { gzipSync } from "node:zlib";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ChannelAdapter, InboundEvent } from "../../src/channels/adapter.js";
import { createPendingTasks } from "../../src/channels/dispatch.js";
import { loadConfig } from "../../src/config.js";
import type { Database } from "../../src/db/client.js";
import { createApp } from "../../src/http/app.js";
import { byteSize, webhookIntake } from "../../src/http/webhook-intake.js";
import { createMetrics } from "../../src/metrics.js";
import { createTestDatabase, databaseKinds, quietLogger } from "../support/database.js";

/** A channel that trusts header x-test-secret: "ok" and turns {"id":…,"text"|"action":…} into one event. */
function fakeChannel(name: "sim" | "zalo-oa", path: string, ackFirst: boolean, acked: InboundEvent[]): ChannelAdapter {
  return {
    name,
    supportsButtons: true,
    webhook: { path, ackFirst },
    send: () => Promise.resolve({ externalId: "1" }),
    verifyWebhook: (req) => req.headers["x-test-secret"] === "ok",
    parseInbound(raw) {
      const r = raw as { id?: unknown; text?: unknown; action?: unknown; user?: string | number };
      if (typeof r?.id !== "number" && typeof r?.id !== "string") return [];
      const base = { channel: name, externalId: String(r.user ?? "u1"), updateKey: String(r.id), at: new Date() };
      if (typeof r.action === "string") return [{ ...base, type: "action", action: r.action, callbackId: "cb" }];
      if (typeof r.text === "string") return [{ ...base, type: "text", text: r.text }];
      return [];
    },
    acknowledge: (e) => {
      acked.push(e);
      return Promise.resolve();
    },
  };
}

/** The same, acknowledging button presses in its webhook answer (as Telegram's webhook replies allow). */
function answeringChannel(path: string, acked: InboundEvent[]): ChannelAdapter {
  return {
    ...fakeChannel("sim", path, false, acked),
    acknowledgeInWebhookAnswer: (events) => (events[0]?.type === "action" ? { method: "ack", id: events[0].updateKey } : undefined),
  };
}

describe.each(databaseKinds)("webhook intake (%s)", (kind) => {
  let database: Database;
  let server: http.Server;
  let url = "";
  const handled: { events: InboundEvent[] }[] = [];
  const acked: InboundEvent[] = [];
  let failNext = false;
  let metrics: ReturnType<typeof createMetrics>;
  let release: (() => void) | null = null;

  beforeAll(async () => {
    const logger = quietLogger();
    database = await createTestDatabase(kind, logger);
    const config = loadConfig({ NODE_ENV: "test", BODY_LIMIT: "1kb" });
    metrics = createMetrics();
    const inbound = {
      async handle(events: InboundEvent[]) {
        if (failNext) {
          failNext = false;
          throw new Error("database down");
        }
        if (events.some((e) => e.type === "text" && e.text === "slow")) await new Promise<void>((r) => (release = r));
        handled.push({ events });
      },
    };
    const adapters = [fakeChannel("sim", "sync", false, acked), fakeChannel("zalo-oa", "async", true, acked), answeringChannel("answering", acked)];
    const app = createApp({ config, logger, database, metrics, routers: [] });
    server = http.createServer(webhookIntake({ adapters, inbound, logger, bodyLimit: config.BODY_LIMIT, metrics })(app));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await database.close();
  });
  beforeEach(() => {
    handled.length = 0;
    acked.length = 0;
  });

  const post = (path: string, body: string, headers: Record<string, string> = { "x-test-secret": "ok" }) =>
    fetch(`${url}/webhooks/${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

  it("processes, acknowledges button presses, then answers 200", async () => {
    const res = await post("sync", JSON.stringify({ id: 1, action: "unsub" }));
    expect(res.status).toBe(200);
    expect(handled).toHaveLength(1);
    expect(handled[0]!.events[0]).toMatchObject({ type: "action", action: "unsub", updateKey: "1" });
    expect(acked.map((e) => e.updateKey)).toEqual(["1"]);
  });

  it("a channel that acknowledges in its webhook answer: the 200 carries it, and no acknowledgement request is made", async () => {
    const res = await post("answering", JSON.stringify({ id: 11, action: "unsub" }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ method: "ack", id: "11" });
    expect(handled).toHaveLength(1);
    expect(acked).toEqual([]);
    // Nothing to acknowledge (a text): the plain answer, still no acknowledgement request.
    const text = await post("answering", JSON.stringify({ id: 12, text: "hi" }));
    expect(await text.json()).toEqual({ ok: true, events: 1 });
    expect(acked).toEqual([]);
  });

  it("without or with a wrong secret → 401 problem, nothing handled", async () => {
    for (const headers of [{}, { "x-test-secret": "nope" }] as Record<string, string>[]) {
      const res = await post("sync", JSON.stringify({ id: 2, text: "hi" }), headers);
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
    }
    expect(handled).toHaveLength(0);
  });

  it("malformed JSON → 400, oversized → 413, unknown shape → 200 ignored, wrong path → 404", async () => {
    const bad = await post("sync", "{not json");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { type: string }).type).toMatch(/malformed-json/);
    const big = await post("sync", JSON.stringify({ id: 3, text: "x".repeat(2000) }));
    expect(big.status).toBe(413);
    const unknown = await post("sync", JSON.stringify({ something: "else" }));
    expect(unknown.status).toBe(200);
    expect((await post("nowhere", "{}")).status).toBe(404);
    expect(handled).toHaveLength(0);
  });

  it("a compressed body is decoded; an unknown encoding → 415 and a body that is not what it says → 400, nothing handled", async () => {
    const zipped = await fetch(`${url}/webhooks/sync`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "gzip", "x-test-secret": "ok" },
      body: gzipSync(JSON.stringify({ id: 21, text: "nén" })),
    });
    expect(zipped.status).toBe(200);
    expect(handled.map((h) => h.events[0])).toMatchObject([{ updateKey: "21", text: "nén" }]);
    // Decoded larger than the limit (1kb here) → 413, however small it travelled.
    const bomb = await fetch(`${url}/webhooks/sync`, {
      method: "POST",
      headers: { "content-encoding": "gzip", "x-test-secret": "ok" },
      body: gzipSync(JSON.stringify({ id: 22, text: "x".repeat(50_000) })),
    });
    expect(bomb.status).toBe(413);
    expect((await post("sync", JSON.stringify({ id: 23, text: "hi" }), { "x-test-secret": "ok", "content-encoding": "x-unknown" })).status).toBe(415);
    expect((await post("sync", JSON.stringify({ id: 24, text: "hi" }), { "x-test-secret": "ok", "content-encoding": "gzip" })).status).toBe(400);
    expect(handled).toHaveLength(1);
  });

  it("answers as every route does: a request id, helmet's headers, the request metric by route and status", async () => {
    const res = await post("sync", JSON.stringify({ id: 31, text: "hi" }), { "x-test-secret": "ok", "x-request-id": "abc-123456" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe("abc-123456");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    const forged = await post("sync", "{}", { "x-test-secret": "no" });
    expect(forged.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/gopy_http_request_duration_seconds_count\{method="POST",route="\/webhooks\/sync",status="200"\} [1-9]/);
    expect(text).toMatch(/gopy_http_request_duration_seconds_count\{method="POST",route="\/webhooks\/sync",status="401"\} [1-9]/);
  });

  it("the path as Express matched it (any case, a trailing slash, a query); other methods and paths go on to the app", async () => {
    for (const path of ["SYNC", "sync/", "sync?x=1"]) expect((await post(path, JSON.stringify({ id: `p-${path}`, text: "hi" }))).status).toBe(200);
    expect(handled).toHaveLength(3);
    const get = await fetch(`${url}/webhooks/sync`);
    expect(get.status).toBe(404);
    expect(((await get.json()) as { type: string }).type).toMatch(/not-found/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it("reads body sizes as Express does", () => {
    expect(byteSize("256kb")).toBe(262_144);
    expect(byteSize("1MB")).toBe(1_048_576);
    expect(byteSize("100b")).toBe(100);
    expect(() => byteSize("lots")).toThrow(/not a size/);
  });

  it("a failure while processing answers 500 so the platform retries", async () => {
    failNext = true;
    const res = await post("sync", JSON.stringify({ id: 4, text: "hi" }));
    expect(res.status).toBe(500);
    expect(handled).toHaveLength(0);
    expect((await post("sync", JSON.stringify({ id: 4, text: "hi" }))).status).toBe(200);
    expect(handled).toHaveLength(1);
  });

  it("ackFirst answers 200 before processing; a failure afterwards is only logged", async () => {
    const res = await post("async", JSON.stringify({ id: 5, text: "slow" }));
    expect(res.status).toBe(200);
    expect(handled).toHaveLength(0);
    await expect.poll(() => release !== null).toBe(true);
    release!();
    await expect.poll(() => handled.length).toBe(1);
    failNext = true;
    expect((await post("async", JSON.stringify({ id: 6, text: "hi" }))).status).toBe(200);
  });

  it("ackFirst: shutdown's pending tasks wait for an update still being handled after its 200", async () => {
    const pending = createPendingTasks();
    const logger = quietLogger();
    const config = loadConfig({ NODE_ENV: "test", BODY_LIMIT: "1kb" });
    let releaseSlow: (() => void) | null = null;
    const done: string[] = [];
    const inbound = {
      async handle(events: InboundEvent[]) {
        await new Promise<void>((r) => (releaseSlow = r));
        done.push(events[0]!.updateKey);
      },
    };
    const intake = webhookIntake({ adapters: [fakeChannel("zalo-oa", "async", true, [])], inbound, logger, bodyLimit: "1kb", pending });
    const app = createApp({ config, logger, database, metrics: createMetrics(), routers: [] });
    const own = http.createServer(intake(app));
    await new Promise<void>((r) => own.listen(0, "127.0.0.1", r));
    try {
      const res = await fetch(`http://127.0.0.1:${(own.address() as AddressInfo).port}/webhooks/async`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-test-secret": "ok" },
        body: JSON.stringify({ id: 77, text: "hi" }),
      });
      expect(res.status).toBe(200);
      await expect.poll(() => releaseSlow !== null).toBe(true);
      let settled = false;
      const settling = pending.settle().then(() => (settled = true));
      await new Promise((r) => setTimeout(r, 50));
      expect(settled).toBe(false);
      releaseSlow!();
      await settling;
      expect(done).toEqual(["77"]);
    } finally {
      await new Promise<void>((r) => own.close(() => r()));
    }
  });

  it("keeps ids beyond 2^53 exact (Zalo)", async () => {
    const res = await post("sync", '{"id": 1, "user": 1234567890123456789, "text": "hi"}');
    expect(res.status).toBe(200);
    expect(handled[0]!.events[0]!.externalId).toBe("1234567890123456789");
  });

  it("refuses to mount a webhook without verification", () => {
    const adapter = { ...fakeChannel("sim", "x", false, acked), verifyWebhook: undefined };
    expect(() => webhookIntake({ adapters: [adapter], inbound: { handle: () => Promise.resolve() }, logger: quietLogger(), bodyLimit: "1kb" })).toThrow(/verifyWebhook/);
  });
});
