import { describe, expect, it } from "vitest";
import { nodeFlags } from "../src/node-flags.js";

describe("npm start's node flags", () => {
  it.each([
    ["the embedded database (no DATABASE_URL)", {}, "--max-semi-space-size=2"],
    ["the embedded database (DATABASE_URL empty)", { DATABASE_URL: " " }, "--max-semi-space-size=2"],
    ["PostgreSQL", { DATABASE_URL: "postgres://gopy@db:5432/gopy" }, "--max-semi-space-size=8"],
    ["a DATABASE_URL the config refuses (the service stops, naming it)", { DATABASE_URL: "mysql://db" }, "--max-semi-space-size=2"],
  ])("on %s: a young generation sized for it", (_, env, young) => {
    const flags = nodeFlags(env);
    expect(flags).toContain(young);
    expect(flags).toContain("--heap-growing-percent=50");
  });

  it("keeps PGlite's WebAssembly recompilation budget only where PGlite runs", () => {
    expect(nodeFlags({})).toContain("--wasm-tiering-budget=20000000");
    expect(nodeFlags({ DATABASE_URL: "postgresql://db/gopy" }).some((f) => f.startsWith("--wasm"))).toBe(false);
  });
});
