import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { agencies, officers, type ApiRole } from "./org.js";

/**
 * An officer's login to the web console: the same roles and agency scope as API keys. The password is
 * stored as scrypt with a per-account salt ("scrypt$N$r$p$salt$hash", base64url); never the password.
 */
export const consoleAccounts = pgTable("console_accounts", {
  id: uuid("id").primaryKey().defaultRandom(),
  officerId: uuid("officer_id").notNull().references(() => officers.id),
  login: text("login").notNull(),
  passwordHash: text("password_hash").notNull(),
  role: text("role").$type<ApiRole>().notNull(),
  agencyId: uuid("agency_id").references(() => agencies.id),
  /** Failed logins in a row (reset by a success or when a lockout ends). */
  failedLogins: integer("failed_logins").notNull().default(0),
  lockedUntil: timestamp("locked_until", { withTimezone: true }),
  disabledAt: timestamp("disabled_at", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  lastLoginAt: timestamp("last_login_at", { withTimezone: true }),
}, (t) => [uniqueIndex("console_accounts_login_uq").on(t.login)]);

/** A console session; only a SHA-256 hash of the session id (the cookie) is stored. */
export const consoleSessions = pgTable("console_sessions", {
  idHash: text("id_hash").primaryKey(),
  accountId: uuid("account_id").notNull().references(() => consoleAccounts.id),
  /** The synchroniser token every state-changing request made with this session must carry. */
  csrfToken: text("csrf_token").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
  /** Absolute end, whatever the activity. */
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
}, (t) => [index("console_sessions_account_idx").on(t.accountId)]);
