import winston from "winston";
import { isDatabaseError, summarizeDatabaseError } from "./db/errors.js";

export type Logger = winston.Logger;

/** Keys whose values never reach a log line, wherever they appear in the metadata. */
const SECRET_KEY = /(token|secret|password|authorization|api[-_]?key|cookie|signature|refresh)/i;
/** Telegram bot tokens and bearer keys that could appear inside free text (URLs, error messages). */
const SECRET_TEXT = [/\d{6,12}:[A-Za-z0-9_-]{30,}/g, /\bgpy_[A-Za-z0-9_-]{20,}\b/g, /Bearer\s+[A-Za-z0-9._~+/=-]+/gi];

export function redactText(text: string): string {
  let out = text;
  for (const re of SECRET_TEXT) out = out.replace(re, "[redacted]");
  // Any bot token ("id:secret") in a Bot API URL path (Telegram, Zalo Bot: /bot<token>/method).
  return out.replace(/\/bot[^/\s:]+:[^/\s]+\//g, "/bot[redacted]/");
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return value;
  if (typeof value === "string") return redactText(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  // A failed statement: its code and tag only, never its parameters or PostgreSQL's message (they carry values).
  if (isDatabaseError(value)) return summarizeDatabaseError(value);
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message), stack: value.stack ? redactText(value.stack) : undefined };
  }
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null ? "[redacted]" : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}

const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    const v = info[key];
    if (key === "level" || key === "timestamp") continue;
    info[key] = SECRET_KEY.test(key) && v !== undefined && v !== null ? "[redacted]" : redact(v);
  }
  return info;
});

export interface LoggerOptions {
  level: string;
  json: boolean;
  silent?: boolean;
  /** Write here instead of the console (tests read what would be logged). */
  stream?: NodeJS.WritableStream;
}

/** One root logger per process; components take child loggers (`logger.child({ component })`). */
export function createLogger(opts: LoggerOptions): Logger {
  const readable = winston.format.printf((info) => {
    const { level, message, timestamp, ...rest } = info;
    const meta = Object.keys(rest).length ? " " + JSON.stringify(rest) : "";
    return `${String(timestamp)} ${level} ${String(message)}${meta}`;
  });
  return winston.createLogger({
    level: opts.level,
    silent: opts.silent ?? false,
    format: winston.format.combine(
      redactFormat(),
      winston.format.timestamp(),
      opts.json ? winston.format.json() : winston.format.combine(winston.format.colorize(), readable),
    ),
    transports: [
      opts.stream
        ? new winston.transports.Stream({ stream: opts.stream })
        : new winston.transports.Console({ stderrLevels: ["error", "warn"] }),
    ],
  });
}

const LEVEL_METHODS = new Set(["error", "warn", "info", "http", "verbose", "debug", "silly"]);

/**
 * `parent.child(meta)`, made only when a line is actually logged at an enabled level or the logger is used
 * otherwise: winston builds a child logger (a copy of its format pipeline) eagerly, a cost every inbound
 * update would pay although most log nothing at info level.
 */
export function deferredChild(parent: Logger, meta: Record<string, unknown>): Logger {
  let child: Logger | undefined;
  const real = () => (child ??= parent.child(meta));
  const noop = () => proxy;
  const proxy: Logger = new Proxy({} as Logger, {
    get(_target, key) {
      if (typeof key === "string") {
        if (LEVEL_METHODS.has(key) && !parent.isLevelEnabled(key)) return noop;
        if (key.startsWith("is") && key.endsWith("Enabled")) return (parent[key as keyof Logger] as (...a: unknown[]) => unknown).bind(parent);
        // A child of a child carries both's metadata, as winston's own children do.
        if (key === "child") return (m: Record<string, unknown>) => deferredChild(parent, { ...meta, ...m });
      }
      const target = real();
      const value: unknown = Reflect.get(target, key);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return proxy;
}
