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
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  TZ_NAME: z
    .string()
    .min(1)
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat("en", { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, "must be an IANA time zone name, e.g. Asia/Ho_Chi_Minh")
    .default("Asia/Ho_Chi_Minh"),
  UNITS_FILE: z.string().min(1).default("assets/units/langson-units.json"),
  PUBLIC_BASE_URL: optionalString.pipe(z.url().optional()),
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, "must look like 100kb or 1mb").default("256kb"),
  API_RATE_LIMIT_PER_KEY_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  API_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  HTTP_BODY_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  INVITE_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, "must be at least 16 characters").max(256).optional()),
  PSEUDONYM_SECRET: optionalString,
  MIN_COMMENT_DAYS: z.coerce.number().int().min(1).default(30),
  /** Most comments one person may leave on one draft; more are refused politely. */
  COMMENTS_PER_DRAFT_LIMIT: z.coerce.number().int().min(1).max(1000).default(5),
  /** Most wrong invite codes one person may try in an hour; then every code is refused until the hour passes. */
  INVITE_GUESSES_PER_HOUR: z.coerce.number().int().min(1).max(1000).default(5),
  // Officers' web console (/console): session lifetime and lockout after failed logins.
  CONSOLE_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).default(30),
  CONSOLE_SESSION_MAX_HOURS: z.coerce.number().int().min(1).default(12),
  CONSOLE_LOCKOUT_FAILURES: z.coerce.number().int().min(1).default(5),
  CONSOLE_LOCKOUT_MINUTES: z.coerce.number().int().min(1).default(15),
  PROVINCE_NAME: z.string().trim().min(1).default("Lạng Sơn"),
  REPORT_PERIOD_START: z
    .string()
    .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, "must be MM-DD, e.g. 01-01")
    .default("01-01"),
  // Identities of subscribers who sent nothing for this many months are erased by the daily `retention` job.
  RETENTION_INACTIVE_MONTHS: z.coerce.number().int().min(1).max(600).default(24),
  DIGEST_TIME: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (24 h), e.g. 17:00").default("17:00"),
  SIMULATOR_ENABLED: optionalString.pipe(bool.optional()),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(15000),
  // Zalo Official Account (bots/zalo-oa): off unless app id, app secret and OA secret key are all set.
  ZALO_OA_APP_ID: optionalString,
  ZALO_OA_APP_SECRET: optionalString,
  ZALO_OA_SECRET_KEY: optionalString,
  ZALO_OA_ID: optionalString,
  ZALO_OA_API_BASE: z.url().default("https://openapi.zalo.me"),
  ZALO_OAUTH_BASE: z.url().default("https://oauth.zaloapp.com"),
  ZALO_OA_SIGNATURE_VARIANT: z.enum(["documented", "oaid_first", "body_ts_secret", "hmac_app_secret"]).default("documented"),
  ZALO_OA_BUTTONS: optionalString.pipe(bool.optional()).transform((v) => v ?? true),
  ZALO_OA_TEMPLATES: optionalString.transform((v, ctx) => {
    const none: Record<string, string> = {};
    if (v === undefined) return none;
    try {
      const parsed: unknown = JSON.parse(v);
      const r = z.record(z.string(), z.string().min(1)).safeParse(parsed);
      if (r.success) return r.data;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: "custom", message: 'must be a JSON object of message kind to template id, e.g. {"announcement":"12345"}' });
    return z.NEVER;
  }),
  ZALO_OA_THROTTLE_RETRY_MS: z.coerce.number().int().min(1000).default(60000),
  ZALO_OA_WINDOW_DAYS: z.coerce.number().min(1).max(365).default(7),
  // Zalo Bot (bots/zalo-bot): off unless ZALO_BOT_TOKEN is set.
  ZALO_BOT_TOKEN: optionalString,
  ZALO_BOT_MODE: z.enum(["webhook", "polling"]).default("webhook"),
  ZALO_BOT_WEBHOOK_SECRET: optionalString.pipe(z.string().min(8, "must be 8 to 256 characters").max(256).optional()),
  ZALO_BOT_API_BASE: z.url().default("https://bot-api.zaloplatforms.com"),
  ZALO_BOT_POLL_TIMEOUT_S: z.coerce.number().int().min(1).max(60).default(30),
  /** A link that opens the Zalo Bot (shown as a QR code on commune posters); none: no Zalo Bot code. */
  ZALO_BOT_LINK: optionalString.pipe(z.url({ protocol: /^https$/, error: "must be an https:// link" }).optional()),
  // Telegram (bots/telegram): off unless TELEGRAM_BOT_TOKEN is set.
  TELEGRAM_BOT_TOKEN: optionalString.pipe(
    z.string().regex(/^\d{3,}:[A-Za-z0-9_-]{10,}$/, "must look like 123456789:AAE… (the token @BotFather gives)").optional(),
  ),
  /** The bot's @username (without @), for the t.me links on commune posters. */
  TELEGRAM_BOT_USERNAME: optionalString.pipe(
    z
      .string()
      .transform((v) => v.replace(/^@/, ""))
      .pipe(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{3,31}$/, "must be the bot's username as @BotFather shows it, e.g. gopy_langson_bot"))
      .optional(),
  ),
  TELEGRAM_MODE: z.enum(["webhook", "polling"]).default("polling"),
  TELEGRAM_WEBHOOK_SECRET: optionalString.pipe(
    z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, "must be 16 to 256 characters: letters, digits, _ and -").optional(),
  ),
  TELEGRAM_API_ROOT: z.url().default("https://api.telegram.org").transform((v) => v.replace(/\/+$/, "")),
  TELEGRAM_RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(30),
  ZALO_OA_RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(50),
  ZALO_BOT_RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(30),
  DELIVERY_PACING_MARGIN_MS: z.coerce.number().int().min(0).max(500).default(15),
  TELEGRAM_PER_CHAT_INTERVAL_MS: z.coerce.number().int().min(0).max(60000).default(1000),
  DELIVERY_CONCURRENCY: optionalString.pipe(z.string().regex(/^\d+$/, "must be a whole number").transform(Number).pipe(z.number().int().min(1).max(1000)).optional()),
  DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  DELIVERY_LEASE_MS: z.coerce.number().int().min(1000).default(60000),
  // Timed duties (scheduler/): quiet hours, deadline reminders, annual report reminders.
  QUIET_HOURS: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM-HH:MM (24 h local time), e.g. 21:00-07:00")
    .default("21:00-07:00"),
  REMINDER_DAYS: z
    .string()
    .default("7,3,1")
    .transform((v, ctx) => {
      const days = v.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
      if (!days.length || days.some((d) => !Number.isInteger(d) || d < 1 || d > 60)) {
        ctx.addIssue({ code: "custom", message: "must be whole numbers of days from 1 to 60, comma-separated, e.g. 7,3,1" });
        return z.NEVER;
      }
      return [...new Set(days)].sort((a, b) => b - a);
    }),
  REPORT_REMINDER_DATES: z
    .string()
    .default("11-01,11-15")
    .transform((v, ctx) => {
      const dates = v.split(",").map((s) => s.trim()).filter(Boolean);
      const ok = dates.length > 0 && dates.every((d) => /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(d));
      if (!ok) {
        ctx.addIssue({ code: "custom", message: "must be MM-DD dates, comma-separated, e.g. 11-01,11-15" });
        return z.NEVER;
      }
      return [...new Set(dates)].sort();
    }),
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
  if (c.TELEGRAM_BOT_TOKEN && c.TELEGRAM_MODE === "webhook" && !c.TELEGRAM_WEBHOOK_SECRET) {
    throw new ConfigError([{ variable: "TELEGRAM_WEBHOOK_SECRET", message: "is required when TELEGRAM_MODE=webhook (Telegram sends it back in every webhook call)" }]);
  }
  return {
    ...c,
    simulatorEnabled: c.SIMULATOR_ENABLED ?? (c.NODE_ENV !== "production" && !hasRealChannel(c)),
  };
}

/** Whether a real messaging channel is configured: then the simulator (anyone's inbox at /sim) stays off unless asked for. */
function hasRealChannel(c: z.infer<typeof configSchema>): boolean {
  return Boolean(c.TELEGRAM_BOT_TOKEN || c.ZALO_BOT_TOKEN || (c.ZALO_OA_APP_ID && c.ZALO_OA_APP_SECRET && c.ZALO_OA_SECRET_KEY));
}
