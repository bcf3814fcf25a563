// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "build/**", "data/**", "node_modules/**", "drizzle/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/only-throw-error": "off",
      "no-console": "off",
    },
  },
  {
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  { files: ["**/*.js", "**/*.cjs"], extends: [tseslint.configs.disableTypeChecked] },
  { files: ["**/*.cjs"], languageOptions: { sourceType: "commonjs", globals: { module: "writable", require: "readonly" } } },
  // The direction of the layers (docs/architecture.md): platform → bots/ → handlers/ → src/ (domain,
  // outbox, delivery). Only the composition root (src/service.ts) wires handlers/, bots/ and scheduler/.
  {
    files: ["src/**/*.ts"],
    ignores: ["src/service.ts", "src/cli/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [layer(["handlers", "bots", "scheduler"], "src/ is below handlers/, bots/ and scheduler/: only the composition root (src/service.ts) imports them")] }],
    },
  },
  // The CLI is the operator's entry point: like the timer, it may run the timed jobs (`jobs run`), but it
  // reaches channels and conversations only through domain services.
  {
    files: ["src/cli/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [layer(["handlers", "bots"], "the CLI reaches channels and conversations through domain services (e.g. src/domain/channel-tokens.ts), never handlers/ or bots/")] }],
    },
  },
  {
    files: ["bots/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [layer(["handlers", "scheduler"], "bots/ hand events to the conversations through src/channels/dispatch.ts; they never import handlers/")] }],
    },
  },
  {
    files: ["handlers/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { regex: "^drizzle-orm(/|$)", message: "handlers/ keep the conversation only: reads and writes go through the residents' domain (src/domain/residents)" },
            { regex: "(^|/)src/db(/|$)", message: "handlers/ keep the conversation only: reads and writes go through the residents' domain (src/domain/residents)" },
            layer(["bots", "scheduler"], "handlers/ do not reach into channel adapters or timed jobs"),
          ],
        },
      ],
    },
  },
  {
    // The console's browser scripts (plain scripts, served as files).
    files: ["src/console/assets/**/*.js"],
    languageOptions: {
      sourceType: "script",
      globals: { window: "readonly", document: "readonly", fetch: "readonly", setTimeout: "readonly", clearTimeout: "readonly", history: "readonly", location: "readonly" },
    },
  },
);

/** A no-restricted-imports pattern refusing imports of these top-level folders (by relative path). */
function layer(folders, message) {
  return { regex: `^(\\.{1,2}/)+(${folders.join("|")})(/|$)`, message };
}
