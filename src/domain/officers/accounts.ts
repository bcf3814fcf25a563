import { asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client.js";
import { agencies, apiRoles, consoleAccounts, officers } from "../../db/schema/index.js";
import { conflict, notFound, unprocessable } from "../../errors.js";
import { findOrCreateAgency } from "../agencies.js";
import { recordAudit } from "../audit.js";
import { hashPassword, newOneTimePassword } from "./passwords.js";

export const MIN_PASSWORD_LENGTH = 10;

/** A new officer account: the same roles and agency scope as API keys. */
export const createOfficerBody = z
  .object({
    name: z.string().trim().min(1, "must not be empty").max(200),
    login: z.string().trim().toLowerCase().regex(/^[a-z0-9._-]{2,64}$/, "2 to 64 letters a–z, digits, dot, dash or underscore"),
    role: z.enum(apiRoles),
    agency: z.string().trim().max(300).optional().transform((v) => (v ? v : undefined)),
    password: z.string().min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`).max(200).optional(),
  })
  .strict()
  .refine((b) => b.role === "admin" || b.agency, { path: ["agency"], message: "a drafter or viewer belongs to one agency" });
export type CreateOfficerInput = z.input<typeof createOfficerBody>;

export interface OfficerAccountView {
  id: string;
  officerId: string;
  name: string;
  login: string;
  role: (typeof apiRoles)[number];
  agency: string | null;
  disabled: boolean;
  lockedUntil: Date | null;
  lastLoginAt: Date | null;
  createdAt: Date;
}

/**
 * Create an officer (the officers row) with a console account. Returns the password to hand over once:
 * the one given, or a one-time password made here.
 */
export async function createOfficerAccount(
  db: Db,
  input: unknown,
  actor: string,
  /** A scrypt hash made elsewhere (the CLI hashes a password read from stdin before it travels). */
  presetHash?: string,
): Promise<{ account: OfficerAccountView; password: string | null }> {
  const body = createOfficerBody.parse(input);
  const password = presetHash ? null : (body.password ?? newOneTimePassword());
  const passwordHash = presetHash ?? (await hashPassword(password!));
  return db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: consoleAccounts.id }).from(consoleAccounts).where(eq(consoleAccounts.login, body.login)).limit(1);
    if (taken) throw conflict(`The login ${body.login} is taken.`, [{ field: "login", message: "already taken" }]);
    const agency = body.agency ? await findOrCreateAgency(tx, body.agency) : null;
    if (body.agency && !agency) throw unprocessable(`No agency with id ${body.agency}.`, [{ field: "agency", message: "unknown agency id" }]);
    const [officer] = await tx.insert(officers).values({ name: body.name, agencyId: agency?.id ?? null }).returning();
    const [row] = await tx
      .insert(consoleAccounts)
      .values({ officerId: officer!.id, login: body.login, passwordHash, role: body.role, agencyId: agency?.id ?? null })
      .returning();
    await recordAudit(tx, {
      actor,
      action: "officer.create",
      entityType: "officer",
      entityId: officer!.id,
      details: { login: body.login, role: body.role, agencyId: agency?.id ?? null },
    });
    const account: OfficerAccountView = {
      id: row!.id, officerId: officer!.id, name: body.name, login: body.login, role: body.role, agency: agency?.name ?? null,
      disabled: false, lockedUntil: null, lastLoginAt: null, createdAt: row!.createdAt,
    };
    return { account, password };
  });
}

export async function listOfficerAccounts(db: Db, agencyId?: string | null): Promise<OfficerAccountView[]> {
  const rows = await db
    .select({ a: consoleAccounts, name: officers.name, agency: agencies.name })
    .from(consoleAccounts)
    .innerJoin(officers, eq(officers.id, consoleAccounts.officerId))
    .leftJoin(agencies, eq(agencies.id, consoleAccounts.agencyId))
    .where(agencyId ? eq(consoleAccounts.agencyId, agencyId) : undefined)
    .orderBy(asc(consoleAccounts.login));
  return rows.map(({ a, name, agency }) => ({
    id: a.id, officerId: a.officerId, name, login: a.login, role: a.role, agency, disabled: a.disabledAt !== null,
    lockedUntil: a.lockedUntil, lastLoginAt: a.lastLoginAt, createdAt: a.createdAt,
  }));
}

/** Disable (or enable again) an account; disabling ends its sessions. */
export async function setOfficerDisabled(db: Db, accountId: string, disabled: boolean, actor: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(consoleAccounts)
      .set({ disabledAt: disabled ? sql`now()` : null, failedLogins: 0, lockedUntil: null })
      .where(eq(consoleAccounts.id, accountId))
      .returning({ id: consoleAccounts.id, officerId: consoleAccounts.officerId, login: consoleAccounts.login });
    if (!row) throw notFound(`No officer account ${accountId}.`);
    await tx.update(officers).set({ active: !disabled }).where(eq(officers.id, row.officerId));
    if (disabled) await tx.execute(sql`delete from console_sessions where account_id = ${accountId}`);
    await recordAudit(tx, { actor, action: disabled ? "officer.disable" : "officer.enable", entityType: "officer", entityId: row.officerId, details: { login: row.login } });
  });
}

