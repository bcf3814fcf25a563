import { afterAll, describe, expect, it, vi } from "vitest";
import { createChannels } from "../../../bots/index.js";
import { ConfigError, loadConfig } from "../../../src/config.js";
import { t } from "../../../src/i18n/index.js";
import { databaseKinds, quietLogger } from "../../support/database.js";
import { startTestService, type TestService } from "../../support/service.js";
import { startEmulator, type Emulator } from "./emulator.js";

const TOKEN = "987654321:AAEmulatorTokenForGopyTests_0123456789";

describe.each(databaseKinds)("Telegram long polling against the emulator (%s)", (kind) => {
  let emu: Emulator | undefined;
  let svc: TestService | undefined;
  afterAll(async () => {
    await svc?.stop();
    await emu?.stop();
  });

  it("deletes a leftover webhook, answers /start through getUpdates, and stops promptly", async () => {
    emu = await startEmulator(TOKEN, { userId: 4040, firstName: "Tuấn" });
    emu.server.setWebhook({ url: "http://127.0.0.1:9/left-over" }, TOKEN);
    svc = await startTestService(kind, { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_MODE: "polling", TELEGRAM_API_ROOT: emu.apiRoot });
    expect(emu.registeredWebhook()).toBeUndefined();
    // In polling mode there is no webhook route for Telegram.
    expect((await svc.api("POST", "/webhooks/telegram", { body: { update_id: 1 } })).status).toBe(404);

    await emu.client.sendCommand(emu.client.makeCommand("/start"));
    await expect.poll(() => emu!.received().length, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    expect(emu.received()[0]!.text).toContain(t("vi", "sub.welcome").slice(0, 20));

    const started = Date.now();
    await svc.stop();
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe("Telegram configuration", () => {
  it("webhook mode with a token needs TELEGRAM_WEBHOOK_SECRET, named in the error", () => {
    let err: unknown;
    try {
      loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_MODE: "webhook" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues.map((i) => i.variable)).toEqual(["TELEGRAM_WEBHOOK_SECRET"]);
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: "not-a-token" })).toThrow(/TELEGRAM_BOT_TOKEN/);
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_MODE: "webhook", TELEGRAM_WEBHOOK_SECRET: "short" })).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
    const ok = loadConfig({ TELEGRAM_API_ROOT: "http://127.0.0.1:8081/" });
    expect(ok.TELEGRAM_MODE).toBe("polling");
    expect(ok.TELEGRAM_API_ROOT).toBe("http://127.0.0.1:8081");
  });

  it("without a token Telegram is off, said once in the log", async () => {
    const logger = quietLogger();
    const info = vi.spyOn(logger, "info");
    const channels = await createChannels({ config: loadConfig({ NODE_ENV: "test" }), logger });
    expect(channels.map((c) => c.name)).not.toContain("telegram");
    const offLines = info.mock.calls.filter((c) => String(c[0] as unknown).includes("Telegram is off"));
    expect(offLines).toHaveLength(1);
  });
});
