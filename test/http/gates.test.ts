import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { startTestService, type TestService } from "../support/service.js";

/** An outside client as a reverse proxy on the same host forwards it (the service trusts loopback proxies). */
const OUTSIDE = { "x-forwarded-for": "203.0.113.7" };

describe("/metrics", () => {
  let open: TestService;
  let guarded: TestService;
  const TOKEN = "metrics-token-0123456789abcdef";
  beforeAll(async () => {
    open = await startTestService("pglite");
    guarded = await startTestService("pglite", { METRICS_TOKEN: TOKEN });
  });
  afterAll(async () => {
    await open.stop();
    await guarded.stop();
  });

  it("without METRICS_TOKEN: loopback reads it, any other address gets a 403 problem", async () => {
    const local = await open.api("GET", "/metrics");
    expect(local.status).toBe(200);
    expect(local.text).toMatch(/gopy_/);
    const outside = await open.api("GET", "/metrics", { headers: OUTSIDE });
    expect(outside.status).toBe(403);
    expect(outside.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(outside.text).not.toMatch(/gopy_/);
  });

  it("with METRICS_TOKEN: every request needs the Bearer token, loopback included", async () => {
    for (const headers of [{} as Record<string, string>, { authorization: "Bearer wrong-token" }, { authorization: `Bearer ${TOKEN}x` }, OUTSIDE]) {
      const res = await guarded.api("GET", "/metrics", { headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.text).not.toMatch(/gopy_/);
    }
    for (const headers of [{ authorization: `Bearer ${TOKEN}` }, { ...OUTSIDE, authorization: `Bearer ${TOKEN}` }]) {
      const res = await guarded.api("GET", "/metrics", { headers });
      expect(res.status, JSON.stringify(headers)).toBe(200);
      expect(res.text).toMatch(/gopy_/);
    }
  });
});

describe("the simulator's switch", () => {
  it("is on out of the box, off in production, and off whenever a real channel is configured unless SIMULATOR_ENABLED=true", () => {
    expect(loadConfig({}).simulatorEnabled).toBe(true);
    expect(loadConfig({ NODE_ENV: "production" }).simulatorEnabled).toBe(false);
    const channels = [
      { TELEGRAM_BOT_TOKEN: "123456789:AAEabcdefghijklmnopqrstuvwxyz" },
      { ZALO_BOT_TOKEN: "zalo-bot-token" },
      { ZALO_OA_APP_ID: "1", ZALO_OA_APP_SECRET: "s", ZALO_OA_SECRET_KEY: "k" },
    ];
    for (const env of channels) {
      expect(loadConfig(env).simulatorEnabled, JSON.stringify(env)).toBe(false);
      expect(loadConfig({ ...env, SIMULATOR_ENABLED: "true" }).simulatorEnabled).toBe(true);
    }
  });
});

describe("API rate limits", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService("pglite", { API_AUTH_FAILURES_PER_MINUTE: "20", API_RATE_LIMIT_PER_KEY_PER_MINUTE: "30" });
  });
  afterAll(async () => {
    await svc.stop();
  });

  it("many bad keys from one address do not lock out a valid key from the same address; the bad ones get 429", async () => {
    const admin = await svc.createKey("admin");
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await svc.api("GET", "/api/v1/communes", { key: `gpy_wrong_${i}` })).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    const valid = await svc.api("GET", "/api/v1/communes", { key: admin });
    expect(valid.status, valid.text).toBe(200);
  });

  it("valid requests are limited per key: one busy key does not slow another", async () => {
    const busy = await svc.createKey("viewer", "Sở Tư pháp");
    const calm = await svc.createKey("viewer", "Sở Tư pháp");
    const statuses: number[] = [];
    for (let i = 0; i < 35; i++) statuses.push((await svc.api("GET", "/api/v1/communes", { key: busy })).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(30);
    expect(statuses.slice(30).every((s) => s === 429)).toBe(true);
    expect((await svc.api("GET", "/api/v1/communes", { key: calm })).status).toBe(200);
  });
});

/** Open a raw connection, write `head`, and resolve when the service closes the connection. */
function closedAfter(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(head));
    let received = "";
    socket.on("data", (d) => (received += d.toString()));
    socket.on("error", reject);
    socket.on("close", () => resolve(received));
  });
}

describe("request timeouts", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService("pglite", { HTTP_BODY_TIMEOUT_MS: "300", HTTP_HEADERS_TIMEOUT_MS: "500", HTTP_REQUEST_TIMEOUT_MS: "1000" });
  });
  afterAll(async () => {
    await svc.stop();
  });

  it("closes a request that declares a body and never sends it", async () => {
    const head = "POST /api/v1/drafts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{";
    await closedAfter(svc.port, head);
  });

  it("closes a connection whose headers never end", async () => {
    await closedAfter(svc.port, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
  });
});
