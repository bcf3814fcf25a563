import { describe, expect, it } from "vitest";
import { databaseKinds, quietLogger } from "../support/database.js";
import { loadConfig } from "../../src/config.js";
import { executeCommand } from "../../src/cli/execute.js";
import { createRegistry } from "../../src/cli/registry.js";
import { allCommands } from "../../src/cli/commands/index.js";
import { createZaloOaTokenStore } from "../../bots/zalo-oa/tokens.js";
import { useTestDatabase } from "../support/lifecycle.js";

describe.each(databaseKinds)("CLI zalo-oa token on %s", (kind) => {
  const database = useTestDatabase(kind);
  const run = async (argv: string[], env: Record<string, string> = {}) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await executeCommand({
      registry: createRegistry(allCommands),
      argv,
      db: database.db,
      config: loadConfig({ NODE_ENV: "test", ...env }),
      logger: quietLogger(),
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      signal: new AbortController().signal,
      via: "database",
    });
    return { code, out: out.join("\n"), err: err.join("\n") };
  };
  const peek = () => createZaloOaTokenStore({ db: database.db, logger: quietLogger(), appId: "", appSecret: "", oauthBase: "http://127.0.0.1:1" }).peek();

  it("refuses bad arguments with the usage and stores nothing", async () => {
    for (const argv of [
      ["zalo-oa", "token", "set", "--refresh", "r"],
      ["zalo-oa", "token", "set", "--access", "a"],
      ["zalo-oa", "token", "set", "--access", "a", "--refresh", "r", "--expires-in", "soon"],
      ["zalo-oa", "token", "set", "--access", "a", "--refresh", "a"],
    ]) {
      const r = await run(argv);
      expect(r.code, argv.join(" ")).toBe(64);
      expect(r.err).toContain("Usage: npm run cli -- zalo-oa token set");
    }
    expect(await peek()).toBeNull();
    const status = await run(["zalo-oa", "token", "status"]);
    expect(status.code).toBe(1);
    expect(status.err).toMatch(/No Zalo OA token is stored/);
  });

  it("saves the pair without printing it, and shows its expiry", async () => {
    const r = await run(["zalo-oa", "token", "set", "--access", "AT-secret-1", "--refresh", "RT-secret-1", "--expires-in", "90000"], {
      ZALO_OA_APP_ID: "1",
      ZALO_OA_APP_SECRET: "s",
    });
    expect(r.code).toBe(0);
    expect(r.out + r.err).not.toMatch(/secret-1/);
    expect(r.err).toMatch(/stays off until ZALO_OA_SECRET_KEY is set/);
    const pair = await peek();
    expect(pair).toMatchObject({ accessToken: "AT-secret-1", refreshToken: "RT-secret-1" });
    expect(pair!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 89_000_000);
    const status = await run(["zalo-oa", "token", "status"]);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/expires at .* \(in 1[45]\d\d min\)/);
    expect(status.out).not.toMatch(/secret-1/);
    // loading again replaces the pair
    await run(["zalo-oa", "token", "set", "--access", "AT-2", "--refresh", "RT-2"]);
    expect(await peek()).toMatchObject({ accessToken: "AT-2", refreshToken: "RT-2" });
  });
});
