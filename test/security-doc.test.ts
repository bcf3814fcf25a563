import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configSchema } from "../src/config.js";

/** SECURITY.md (issue 11, Must 8): its four parts are there, and what it names exists, so it stays true to the code. */
describe("SECURITY.md", () => {
  const doc = readFileSync("SECURITY.md", "utf8");

  it("has the threat model, what is defended and how, what is not, and how to report a problem", () => {
    const headings = doc.split("\n").filter((l) => l.startsWith("## ")).map((l) => l.slice(3));
    expect(headings).toEqual(["Reporting a problem", "What is protected", "Threats and defences", "What is not defended"]);
    const section = (name: string) => doc.split(`## ${name}\n`)[1]!.split("\n## ")[0]!;
    expect(section("Reporting a problem")).toMatch(/privately/);
    expect(section("Threats and defences").match(/^\*\*.+\*\*$/gm)!.length).toBeGreaterThanOrEqual(4);
    expect(section("What is not defended").match(/^- \*\*/gm)!.length).toBeGreaterThanOrEqual(4);
  });

  it("names only files that exist and settings the configuration reads", () => {
    const files = [...doc.matchAll(/`((?:src|test|bots|handlers|scheduler)\/[\w./-]+\.ts)`/g)].map((m) => m[1]!);
    expect(files.length).toBeGreaterThan(5);
    expect(files.filter((f) => !existsSync(f))).toEqual([]);
    const settings = [...doc.matchAll(/`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`/g)].map((m) => m[1]!);
    expect(settings.length).toBeGreaterThan(5);
    const known = Object.keys(configSchema.shape);
    expect(settings.filter((s) => !known.includes(s))).toEqual([]);
  });
});
