import { afterAll, describe, expect, it } from "vitest";
import { databaseKinds } from "../support/database.js";
import { useProcessDatabase } from "../support/lifecycle.js";
import { lastLine, runCliProcess, startServiceProcess, type ServiceProcess } from "../support/processes.js";

const authed = (url: string, key: string) =>
  fetch(`${url}/api/v1/communes?q=mai%20pha`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status);

describe.each(databaseKinds)("CLI keys on %s", (kind) => {
  const env = useProcessDatabase(kind);
  let service: ServiceProcess | undefined;
  afterAll(async () => {
    await service?.stop();
  });

  it("refuses bad arguments with a clear message and a non-zero exit, creating nothing", async () => {
    const noAgency = await runCliProcess(["keys", "create", "--role", "drafter", "--name", "A"], env);
    expect(noAgency.code).toBe(64);
    expect(noAgency.stderr).toMatch(/--agency/);
    expect(noAgency.stdout).toBe("");
    const badRole = await runCliProcess(["keys", "create", "--role", "boss", "--name", "A"], env);
    expect(badRole.code).toBe(64);
    expect(badRole.stderr).toMatch(/Unknown role 'boss'/);
    const unknownOption = await runCliProcess(["keys", "create", "--role", "admin", "--name", "A", "--colour", "red"], env);
    expect(unknownOption.code).toBe(64);
    expect(unknownOption.stderr).toMatch(/--colour/);
    const noName = await runCliProcess(["keys", "create", "--role", "admin"], env);
    expect(noName.code).toBe(64);
    expect(noName.stderr).toMatch(/--name/);
    const unknownCommand = await runCliProcess(["keys", "rotate"], env);
    expect(unknownCommand.code).toBe(64);
    expect(unknownCommand.stderr).toMatch(/Unknown command/);
    const list = await runCliProcess(["keys", "list", "--json"], env);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([]);
  }, 120_000);

  it("creates keys (printed alone on the last line), lists and revokes them, with and without a running service", async () => {
    const admin = await runCliProcess(["keys", "create", "--role", "admin", "--name", "Nguyễn Văn A"], env);
    expect(admin.code, admin.stderr).toBe(0);
    const adminKey = lastLine(admin.stdout);
    expect(adminKey).toMatch(/^gpy_[A-Za-z0-9_-]{32}$/);
    const drafter = await runCliProcess(["keys", "create", "--role", "drafter", "--agency", "Sở Tư pháp", "--name", "Phòng VB"], env);
    expect(drafter.code, drafter.stderr).toBe(0);
    const drafterKey = lastLine(drafter.stdout);
    expect(drafterKey).toMatch(/^gpy_/);

    const list = await runCliProcess(["keys", "list"], env);
    expect(list.code).toBe(0);
    const [header, , ...rows] = list.stdout.trimEnd().split("\n");
    expect(header).toMatch(/^ID\s+PREFIX\s+NAME\s+ROLE\s+AGENCY\s+CREATED\s+LAST USED\s+REVOKED$/);
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.includes("Phòng VB"))).toMatch(new RegExp(`${drafterKey.slice(0, 10)}\\s+Phòng VB\\s+drafter\\s+Sở Tư pháp`));
    expect(list.stdout).not.toContain(adminKey);

    // The keys work against the service started on the same database.
    service = await startServiceProcess(env);
    expect(await authed(service.url, adminKey)).toBe(200);
    expect(await authed(service.url, drafterKey)).toBe(200);

    // While the service runs (on PGlite it holds the data directory), the CLI still works.
    const viewer = await runCliProcess(["keys", "create", "--role", "viewer", "--agency", "so tu phap", "--name", "Báo cáo"], env);
    expect(viewer.code, viewer.stderr).toBe(0);
    expect(viewer.stdout).toMatch(/agency Sở Tư pháp;/);
    const viewerKey = lastLine(viewer.stdout);
    expect(await authed(service.url, viewerKey)).toBe(200);
    // On PGlite the command went through the service's admin socket.
    if (kind === "pglite") expect(service.output()).toMatch(/running a CLI command for a local user.*keys create/);

    const revoke = await runCliProcess(["keys", "revoke", drafterKey.slice(0, 10)], env);
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(revoke.stdout).toMatch(/Revoked key/);
    expect(await authed(service.url, drafterKey)).toBe(401);
    expect(await authed(service.url, adminKey)).toBe(200);

    const again = await runCliProcess(["keys", "revoke", drafterKey.slice(0, 10)], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already revoked/);
    const unknown = await runCliProcess(["keys", "revoke", "gpy_nothere"], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No API key/);

    const json = await runCliProcess(["keys", "list", "--json"], env);
    const listed = JSON.parse(json.stdout) as { name: string; revokedAt: string | null; lastUsedAt: string | null }[];
    expect(listed.map((k) => [k.name, k.revokedAt !== null]).sort()).toEqual([["Báo cáo", false], ["Nguyễn Văn A", false], ["Phòng VB", true]]);
    expect(listed.find((k) => k.name === "Nguyễn Văn A")!.lastUsedAt).not.toBeNull();

    expect(await service.stop()).toBe(0);
    service = undefined;
  }, 180_000);
});
