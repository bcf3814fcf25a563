import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { eq, lt, or } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { consoleAccounts, consoleSessions, officers } from "../../db/schema/index.js";
import type { Principal } from "../api-keys.js";
import { recordAudit } from "../audit.js";
import { DUMMY_HASH, verifyPassword } from "./passwords.js";
import type { ConsoleRules } from "./settings.js";

export interface ConsoleSession {
  principal: Principal;
  login: string;
  csrfToken: string;
}

export type LoginResult =
  | { ok: true; sessionId: string; csrfToken: string }
  | { ok: false; reason: "invalid" | "locked"; lockedUntil?: Date };

const hashSessionId = (id: string) => createHash("sha256").update(id).digest("hex");

/**
 * Check a login and password. Unknown logins, wrong passwords and disabled accounts all answer
 * "invalid"; `rules.lockoutFailures` failures in a row lock the login for `rules.lockoutMinutes`.
 * Every attempt is audited (never the password).
 */
export async function logIn(db: Db, rules: ConsoleRules, login: string, password: string, now = new Date()): Promise<LoginResult> {
  const key = login.trim().toLowerCase();
  const [account] = await db.select().from(consoleAccounts).where(eq(consoleAccounts.login, key)).limit(1);
  if (!account) {
    await verifyPassword(password, DUMMY_HASH);
    await recordAudit(db, { actor: `login:${key.slice(0, 64)}`, action: "console.login_failed", entityType: "console_account", details: { reason: "unknown login" } });
    return { ok: false, reason: "invalid" };
  }
  const actor = `officer:${account.login}`;
  if (account.lockedUntil && account.lockedUntil > now) {
    await recordAudit(db, { actor, action: "console.login_failed", entityType: "console_account", entityId: account.id, details: { reason: "locked" } });
    return { ok: false, reason: "locked", lockedUntil: account.lockedUntil };
  }
  const matches = await verifyPassword(password, account.passwordHash);
  if (!matches || account.disabledAt) {
    // A lockout that ended starts the count again.
    const before = account.lockedUntil ? 0 : account.failedLogins;
    const failures = before + 1;
    const lock = failures >= rules.lockoutFailures ? new Date(now.getTime() + rules.lockoutMinutes * 60_000) : null;
    await db.update(consoleAccounts).set({ failedLogins: lock ? 0 : failures, lockedUntil: lock }).where(eq(consoleAccounts.id, account.id));
    await recordAudit(db, {
      actor, action: "console.login_failed", entityType: "console_account", entityId: account.id,
      details: { reason: account.disabledAt ? "disabled" : "wrong password", failures, ...(lock ? { lockedUntil: lock.toISOString() } : {}) },
    });
    return lock ? { ok: false, reason: "locked", lockedUntil: lock } : { ok: false, reason: "invalid" };
  }
  const sessionId = randomBytes(32).toString("base64url");
  const csrfToken = randomBytes(32).toString("base64url");
  await db.transaction(async (tx) => {
    await tx.update(consoleAccounts).set({ failedLogins: 0, lockedUntil: null, lastLoginAt: now }).where(eq(consoleAccounts.id, account.id));
    await tx.insert(consoleSessions).values({
      idHash: hashSessionId(sessionId), accountId: account.id, csrfToken, createdAt: now, lastSeenAt: now,
      expiresAt: new Date(now.getTime() + rules.maxHours * 3_600_000),
    });
    await recordAudit(tx, { actor, action: "console.login", entityType: "console_account", entityId: account.id });
  });
  await pruneSessions(db, rules, now);
  return { ok: true, sessionId, csrfToken };
}

/** The session behind a cookie value, or null when unknown, idle too long, past its end or disabled. */
export async function resolveSession(db: Db, rules: ConsoleRules, sessionId: string, now = new Date()): Promise<ConsoleSession | null> {
  if (!sessionId || sessionId.length > 100) return null;
  const idHash = hashSessionId(sessionId);
  const [row] = await db
    .select({ s: consoleSessions, a: consoleAccounts, name: officers.name })
    .from(consoleSessions)
    .innerJoin(consoleAccounts, eq(consoleAccounts.id, consoleSessions.accountId))
    .innerJoin(officers, eq(officers.id, consoleAccounts.officerId))
    .where(eq(consoleSessions.idHash, idHash))
    .limit(1);
  if (!row) return null;
  const idleEnd = row.s.lastSeenAt.getTime() + rules.idleMinutes * 60_000;
  if (row.a.disabledAt || row.s.expiresAt <= now || idleEnd <= now.getTime()) {
    await db.delete(consoleSessions).where(eq(consoleSessions.idHash, idHash));
    return null;
  }
  // One write a minute at most per session.
  if (now.getTime() - row.s.lastSeenAt.getTime() > 60_000) {
    await db.update(consoleSessions).set({ lastSeenAt: now }).where(eq(consoleSessions.idHash, idHash));
  }
  return {
    principal: { keyId: row.a.id, name: row.name, role: row.a.role, agencyId: row.a.agencyId, label: `officer:${row.a.login}` },
    login: row.a.login,
    csrfToken: row.s.csrfToken,
  };
}

/** Whether a presented CSRF token is the session's (constant time). */
export function csrfMatches(session: ConsoleSession, presented: string | undefined): boolean {
  if (!presented) return false;
  const a = Buffer.from(session.csrfToken);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function logOut(db: Db, sessionId: string, actor: string): Promise<void> {
  const rows = await db.delete(consoleSessions).where(eq(consoleSessions.idHash, hashSessionId(sessionId))).returning({ accountId: consoleSessions.accountId });
  if (rows[0]) await recordAudit(db, { actor, action: "console.logout", entityType: "console_account", entityId: rows[0].accountId });
}

/** Delete sessions past their end or idle for longer than allowed. */
export async function pruneSessions(db: Db, rules: ConsoleRules, now = new Date()): Promise<number> {
  const idleBefore = new Date(now.getTime() - rules.idleMinutes * 60_000);
  const rows = await db
    .delete(consoleSessions)
    .where(or(lt(consoleSessions.expiresAt, now), lt(consoleSessions.lastSeenAt, idleBefore)))
    .returning({ id: consoleSessions.idHash });
  return rows.length;
}

