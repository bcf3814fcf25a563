import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgliteDataDirTemplate, startServiceProcess, type ServiceProcess } from "../support/processes.js";

// The data-directory lock exists only for the embedded database (PGlite).
describe("the embedded database's lock after a crash", () => {
  let template: Awaited<ReturnType<typeof pgliteDataDirTemplate>>;
  let second: ServiceProcess | undefined;
  beforeAll(async () => {
    template = await pgliteDataDirTemplate();
  }, 120_000);
  afterAll(async () => {
    await second?.stop();
    await template.dispose();
  });

  it("a service killed with SIGKILL is replaced at once: its lock is taken over, and the log says so", async () => {
    const dataDir = await template.copy();
    const first = await startServiceProcess({ DATA_DIR: dataDir });
    const pid = first.child.pid!;
    first.child.kill("SIGKILL");
    await new Promise((resolve) => first.child.once("exit", resolve));
    // At once, as a supervisor restarting the service would (well within proper-lockfile's 10 s staleness).
    second = await startServiceProcess({ DATA_DIR: dataDir });
    expect((await fetch(second.url + "/readyz")).status).toBe(200);
    expect(second.output()).toMatch(new RegExp(`took over the lock of process ${pid}`));
    expect(await second.stop()).toBe(0);
    second = undefined;
  }, 240_000);
});
