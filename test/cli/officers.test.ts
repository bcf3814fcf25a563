import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.js";
import { logIn } from "../../src/domain/officers/sessions.js";
import { databaseKinds, quietLogger } from "../support/database.js";
import { useProcessDatabase } from "../support/lifecycle.js";
import { lastLine, runCliProcess } from "../support/processes.js";

const rules = { idleMinutes: 30, maxHours: 12, lockoutFailures: 5, lockoutMinutes: 15 };

describe.each(databaseKinds)("CLI officers on %s", (kind) => {
  const env = useProcessDatabase(kind);

  it("creates the first admin with a one-time password, and a drafter with a password read from stdin; both log in", { timeout: 120_000 }, async () => {
    const admin = await runCliProcess(["officers", "create", "--role", "admin", "--name", "Nguyễn Văn An", "--login", "an"], env);
    expect(admin.code, admin.stderr).toBe(0);
    expect(admin.stdout).toContain('Created admin officer "Nguyễn Văn An" (login an)');
    const oneTime = lastLine(admin.stdout);
    expect(oneTime).toMatch(/^[A-Za-z0-9_-]{16}$/);

    const short = await runCliProcess(["officers", "create", "--role", "drafter", "--name", "B", "--login", "binh", "--agency", "Sở Tư pháp", "--password-stdin"], env, 60_000, "ngan\n");
    expect(short.code).toBe(64);
    expect(short.stderr).toContain("too short");
    const noAgency = await runCliProcess(["officers", "create", "--role", "drafter", "--name", "B", "--login", "binh"], env);
    expect(noAgency.code).toBe(64);
    expect(noAgency.stderr).toContain("--agency");

    const drafter = await runCliProcess(
      ["officers", "create", "--role", "drafter", "--name", "Trần Thị Bình", "--login", "binh", "--agency", "Sở Tư pháp", "--password-stdin"],
      env, 60_000, "mat-khau-cua-binh-2025\n",
    );
    expect(drafter.code, drafter.stderr).toBe(0);
    expect(drafter.stdout).not.toContain("mat-khau-cua-binh");
    const again = await runCliProcess(["officers", "create", "--role", "admin", "--name", "X", "--login", "an"], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("taken");

    const list = await runCliProcess(["officers", "list", "--json"], env);
    const accounts = JSON.parse(lastLine(list.stdout)) as { login: string; role: string; agency: string | null }[];
    expect(accounts.map((a) => [a.login, a.role, a.agency])).toEqual([["an", "admin", null], ["binh", "drafter", "Sở Tư pháp"]]);

    const database = await openDatabase({ url: env.DATABASE_URL, dataDir: env.DATA_DIR, logger: quietLogger() });
    try {
      expect((await logIn(database.db, rules, "an", oneTime)).ok).toBe(true);
      expect((await logIn(database.db, rules, "binh", "mat-khau-cua-binh-2025")).ok).toBe(true);
      expect((await logIn(database.db, rules, "binh", "ngan")).ok).toBe(false);
    } finally {
      await database.close();
    }
    const disabled = await runCliProcess(["officers", "disable", "binh"], env);
    expect(disabled.code).toBe(0);
  });
});
