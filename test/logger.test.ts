import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, deferredChild } from "../src/logger.js";
import { loadConfig } from "../src/config.js";
import { startService, type Service } from "../src/service.js";
import { createTestDatabase } from "./support/database.js";

/** A logger whose lines we can read back. */
function capture(level = "debug", json = true) {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on("data", (c: Buffer) => lines.push(...c.toString().split("\n").filter(Boolean)));
  return { logger: createLogger({ level, json, stream }), lines };
}

describe("logging", () => {
  it("never writes a token, secret, API key or bot token, whether as a field or inside text", () => {
    const { logger, lines } = capture();
    const botToken = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawX";
    const apiKey = "gpy_Zm9vYmFyYmF6cXV4cXV1eGZvb2Jhcg";
    logger.info("calling https://api.telegram.org/bot" + botToken + "/sendMessage", {
      accessToken: "zalo-access",
      refresh_token: "zalo-refresh",
      headers: { authorization: `Bearer ${apiKey}`, "x-zevent-signature": "mac=abc" },
      nested: { oaSecretKey: "s3cret", note: `key ${apiKey}` },
      err: new Error(`request to bot${botToken} failed`),
    });
    logger.warn("zalo bot call failed: https://bot-api.zaloplatforms.com/bot8271:zb-secret-Zx81/sendMessage");
    const out = lines.join("\n");
    for (const secret of [botToken, apiKey, "zalo-access", "zalo-refresh", "s3cret", "mac=abc", "zb-secret-Zx81"]) expect(out).not.toContain(secret);
    expect(out).toContain("[redacted]");
    expect(out).toContain("sendMessage");
  });

  it("a deferred child logs with its metadata (a child of it with both), and is made only when a line is logged", () => {
    const { logger, lines } = capture("info", true);
    let made = 0;
    const child = logger.child.bind(logger);
    logger.child = (meta) => (made++, child(meta));
    const log = deferredChild(logger, { requestId: "r1" });
    const inner = log.child({ channel: "telegram" });
    inner.debug("not at info level");
    expect(log.isLevelEnabled("debug")).toBe(false);
    expect(made).toBe(0);
    expect(lines).toEqual([]);
    inner.info("handled", { replies: 1 });
    log.warn("refused");
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toMatchObject([
      { level: "info", message: "handled", requestId: "r1", channel: "telegram", replies: 1 },
      { level: "warn", message: "refused", requestId: "r1" },
    ]);
    expect(made).toBe(2);
  });

  it("writes one JSON object per line in production, readable text in development", () => {
    const json = capture("info", true);
    json.logger.info("hello", { draftId: "d1" });
    expect(JSON.parse(json.lines[0]!)).toMatchObject({ level: "info", message: "hello", draftId: "d1" });
    const text = capture("info", false);
    text.logger.info("hello", { draftId: "d1" });
    expect(() => JSON.parse(text.lines[0]!) as unknown).toThrow();
    expect(text.lines[0]).toMatch(/info.*hello.*"draftId":"d1"/);
  });

  describe("HTTP requests", () => {
    let service: Service;
    const { logger, lines } = capture("http");
    beforeAll(async () => {
      const database = await createTestDatabase("pglite");
      service = await startService({ config: loadConfig({ NODE_ENV: "test", PORT: "0", HOST: "127.0.0.1" }), logger, database, skipUnits: true });
    });
    afterAll(async () => {
      await service.stop();
    });

    it("puts the request id on every log line of a request, and answers it in X-Request-Id", async () => {
      const res = await fetch(`${service.url}/api/v1/drafts`, { headers: { authorization: "Bearer gpy_not_a_real_key_000000000000" } });
      expect(res.status).toBe(401);
      const id = res.headers.get("x-request-id");
      expect(id).toBeTruthy();
      const lineFor = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.message === "request" && l.path === "/api/v1/drafts");
      expect(lineFor).toHaveLength(1);
      expect(lineFor[0]).toMatchObject({ requestId: id, status: 401, method: "GET" });
      expect(lines.join("\n")).not.toContain("gpy_not_a_real_key_000000000000");
    });

    it("warns that the simulator is on, anyone reaching the port reading any simulated inbox; says nothing of it when it is off", async () => {
      const warned = (ls: string[]) => ls.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => String(l.message).startsWith("the simulator is on at /sim"));
      expect(service.sim).not.toBeNull();
      expect(warned(lines)).toEqual([expect.objectContaining({ level: "warn", message: expect.stringContaining("SIMULATOR_ENABLED=false") as unknown })]);
      const off = capture("http");
      const database = await createTestDatabase("pglite");
      const quiet = await startService({ config: loadConfig({ NODE_ENV: "test", PORT: "0", HOST: "127.0.0.1", SIMULATOR_ENABLED: "false" }), logger: off.logger, database, skipUnits: true });
      try {
        expect(quiet.sim).toBeNull();
        expect((await fetch(`${quiet.url}/sim/messages`, { method: "POST" })).status).toBe(404);
        expect(warned(off.lines)).toEqual([]);
      } finally {
        await quiet.stop();
      }
    });
  });
});
