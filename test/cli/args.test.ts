import { describe, expect, it } from "vitest";
import { allCommands } from "../../src/cli/commands/index.js";
import { createRegistry, UsageError } from "../../src/cli/registry.js";

const registry = createRegistry(allCommands);

/** What the operator gets for these arguments: the command's input, or the usage error's message. */
function parse(argv: string[]): { input?: unknown; refused?: string; usage?: string } {
  const found = registry.find(argv);
  if (!found) throw new Error(`no command for ${argv.join(" ")}`);
  try {
    return { input: found.command.parse(found.args) };
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return { refused: err.message, usage: err.usage };
  }
}

/** The commands' arguments, read the same way by every command (src/cli/args.ts). */
describe("CLI arguments", () => {
  it("a command of options only refuses a stray argument, naming it, with its usage", () => {
    for (const argv of [
      ["keys", "create", "--role", "admin", "--name", "A", "extra"],
      ["officers", "create", "--role", "admin", "--name", "An", "--login", "an", "extra"],
      ["zalo-oa", "token", "set", "--access", "a", "--refresh", "r", "extra"],
      ["zalo-oa", "token", "status", "extra"],
      ["keys", "list", "extra"],
      ["jobs", "list", "extra"],
    ]) {
      const r = parse(argv);
      expect(r.refused, argv.join(" ")).toBe("Unexpected argument 'extra'.");
      expect(r.usage, argv.join(" ")).toContain(`Usage: npm run cli -- ${registry.find(argv)!.command.name}`);
    }
  });

  it("reads each --name VALUE option as given", () => {
    expect(parse(["keys", "create", "--role", "drafter", "--agency", " Sở Tư pháp ", "--name", "Phòng VB"]).input).toEqual({
      role: "drafter", agency: "Sở Tư pháp", name: "Phòng VB",
    });
    expect(parse(["zalo-oa", "token", "set", "--access", "a", "--refresh", "r", "--expires-in", "120"]).input).toEqual({ access: "a", refresh: "r", expiresIn: 120 });
    expect(parse(["keys", "list", "--json"]).input).toEqual({ json: true });
    expect(parse(["jobs", "list", "--now", "2026-12-03T08:00:00+07:00"]).input).toEqual({ now: new Date("2026-12-03T01:00:00Z") });
  });

  it("a command of one argument takes exactly one, trimmed, and says what it wants otherwise", () => {
    expect(parse(["keys", "revoke", " gpy_abc123 "]).input).toEqual({ idOrPrefix: "gpy_abc123" });
    expect(parse(["officers", "disable", "An"]).input).toEqual({ login: "an" });
    for (const args of [[], ["a", "b"], ["  "]]) {
      expect(parse(["keys", "revoke", ...args]).refused, JSON.stringify(args)).toBe("Give exactly one key id or prefix.");
      expect(parse(["officers", "disable", ...args]).refused, JSON.stringify(args)).toBe("Give exactly one login.");
    }
  });
});
