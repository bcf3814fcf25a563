import { z } from "zod";

/**
 * Every environment variable the service reads, parsed once at start-up.
 * `.env.example` documents each one; a missing or wrong value stops start-up with its name.
 */
const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

export const configSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  LOG_LEVEL: z.enum(["error", "warn", "info", "http", "verbose", "debug", "silly"]).default("info"),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: optionalString.pipe(
    z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL").optional(),
  ),
  TZ_NAME: z.string().min(1).default("Asia/Ho_Chi_Minh"),
  UNITS_FILE: z.string().min(1).default("assets/units/langson-units.json"),
  PUBLIC_BASE_URL: optionalString.pipe(z.url().optional()),
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, "must look like 100kb or 1mb").default("256kb"),
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  PSEUDONYM_SECRET: optionalString,
  MIN_COMMENT_DAYS: z.coerce.number().int().min(1).default(30),
  SIMULATOR_ENABLED: optionalString.pipe(bool.optional()),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(15000),
});

export type Config = z.infer<typeof configSchema> & { simulatorEnabled: boolean };

export class ConfigError extends Error {
  constructor(public readonly issues: { variable: string; message: string }[]) {
    super(
      "Invalid configuration:\n" +
        issues.map((i) => `  ${i.variable}: ${i.message}`).join("\n") +
        "\nSee .env.example for every variable and its meaning.",
    );
    this.name = "ConfigError";
  }
}

/** Parse the environment once. Throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => ({
        variable: String(i.path[0] ?? "?"),
        message: i.message,
      })),
    );
  }
  const c = parsed.data;
  return {
    ...c,
    simulatorEnabled: c.SIMULATOR_ENABLED ?? c.NODE_ENV !== "production",
  };
}
