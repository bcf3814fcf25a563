import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";
import { watchOutput } from "./support/log-watch.js";

describe("configuration", () => {
  it("has working defaults for a fresh machine", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, DATA_DIR: "./data", TZ_NAME: "Asia/Ho_Chi_Minh", LOG_LEVEL: "info", NODE_ENV: "development", simulatorEnabled: true });
    expect(c.DATABASE_URL).toBeUndefined();
  });

  it("names every wrong variable", () => {
    let err: unknown;
    try {
      loadConfig({ PORT: "eighty", DATABASE_URL: "mysql://x", LOG_LEVEL: "loud", NODE_ENV: "staging" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const names = (err as ConfigError).issues.map((i) => i.variable).sort();
    expect(names).toEqual(["DATABASE_URL", "LOG_LEVEL", "NODE_ENV", "PORT"]);
    expect((err as ConfigError).message).toMatch(/PORT: /);
  });

  it("refuses a time zone that does not exist, naming TZ_NAME", () => {
    expect(() => loadConfig({ TZ_NAME: "Asia/Hanoi_City" })).toThrow(/TZ_NAME: must be an IANA time zone/);
    expect(loadConfig({ TZ_NAME: "Asia/Bangkok" }).TZ_NAME).toBe("Asia/Bangkok");
  });

  it("turns the simulator off in production unless asked", () => {
    expect(loadConfig({ NODE_ENV: "production" }).simulatorEnabled).toBe(false);
    expect(loadConfig({ NODE_ENV: "production", SIMULATOR_ENABLED: "true" }).simulatorEnabled).toBe(true);
  });

  it("stops start-up with a message naming the variable, before touching any data", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "src/main.ts"], {
      env: { ...process.env, PORT: "not-a-port", DATA_DIR: "/nonexistent/never-created" },
      encoding: "utf8",
      timeout: 30_000,
    });
    watchOutput(r.stdout + r.stderr, "bad-config");
    expect(r.status).toBe(78);
    expect(r.stderr).toMatch(/PORT/);
    expect(r.stderr).toMatch(/\.env\.example/);
  });
});
