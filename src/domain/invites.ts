import { randomInt } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client.js";
import { adminUnits, agencies, invites, type ApiRole } from "../db/schema/index.js";
import { forbidden, unprocessable } from "../errors.js";
import { agencyNameField, findAgency } from "./agencies.js";
import { recordAudit, type RequestOrigin } from "./audit.js";

/** Letters and digits that cannot be misread (no 0/O, 1/I/L) — codes are read out and typed by hand. */
const ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

export function newInviteCode(): string {
  let code = "";
  for (let i = 0; i < 8; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

export const createInviteBody = z
  .object({
    role: z.enum(["propagandist", "officer"]),
    communes: z.array(z.string().regex(/^\d{5}$/, "must be a 5-digit unit code")).max(100).default([]),
    expiresInDays: z.number().int().min(1).max(365).optional().meta({ description: "Days the code stays valid; default INVITE_TTL_DAYS (14)." }),
    /**
     * Officer invites: the agency (name or id) whose open drafts the officer's daily digest covers.
     * A drafter's or viewer's invite always uses the key's agency; an admin's invite without it covers every agency.
     */
    agency: agencyNameField.optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.role === "propagandist" && !b.communes.length) ctx.addIssue({ code: "custom", path: ["communes"], message: "a propagandist needs at least one commune" });
    if (b.role !== "officer" && b.agency !== undefined) ctx.addIssue({ code: "custom", path: ["agency"], message: "only an officer invite names an agency" });
  });
export type CreateInviteBody = z.infer<typeof createInviteBody>;

export const inviteView = z.object({
  code: z.string(),
  role: z.enum(["propagandist", "officer"]),
  communes: z.array(z.string()),
  expiresAt: z.string().nullable(),
  /** Officer invites: the agency whose drafts the officer's digest covers; null: every agency. */
  agency: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** The /start payload: t.me/<bot>?start=i_<code>; typing the code in chat works too. */
  deepLinkPayload: z.string(),
});
export type InviteView = z.infer<typeof inviteView>;

/**
 * The agency an invite records: the one named in the body (an admin may name any existing agency; another
 * key only its own), else the key's own agency. An admin's officer invite naming none records none: that
 * officer's digest covers every agency (the Department of Justice oversees them all).
 */
async function inviteAgency(db: Db, actor: { agencyId: string | null; role?: ApiRole }, body: CreateInviteBody) {
  const named = body.agency;
  if (named === undefined) {
    if (!actor.agencyId || (body.role === "officer" && actor.role === "admin")) return null;
    const [own] = await db.select({ id: agencies.id, name: agencies.name }).from(agencies).where(eq(agencies.id, actor.agencyId));
    return own ?? null;
  }
  const found = await findAgency(db, named);
  if (actor.role !== "admin" && (!found || found.id !== actor.agencyId)) {
    throw forbidden("Your key can invite officers of its own agency only.", [{ field: "agency", message: "not the agency of your key" }]);
  }
  if (!found) throw unprocessable(`No agency ${named}.`, [{ field: "agency", message: "unknown agency (give its exact name or id)" }]);
  return { id: found.id, name: found.name };
}

/** How long an invite stays valid when the request does not say (INVITE_TTL_DAYS). */
export const DEFAULT_INVITE_TTL_DAYS = 14;

/** Create a single-use invite for a propagandist (or officer) of the given communes. */
export async function createInvite(
  db: Db,
  actor: { label: string; agencyId: string | null; role?: ApiRole; origin?: RequestOrigin | undefined },
  body: CreateInviteBody,
  defaultTtlDays = DEFAULT_INVITE_TTL_DAYS,
): Promise<InviteView> {
  const communes = [...new Set(body.communes)];
  if (communes.length) {
    const found = new Set((await db.select({ code: adminUnits.code }).from(adminUnits).where(inArray(adminUnits.code, communes))).map((r) => r.code));
    const errors = body.communes.flatMap((c, i) => (found.has(c) ? [] : [{ field: `communes.${i}`, message: `unknown unit code ${c}` }]));
    const unknown = communes.filter((c) => !found.has(c));
    if (errors.length) throw unprocessable(`Unknown unit code(s): ${unknown.join(", ")}.`, errors);
  }
  const agency = await inviteAgency(db, actor, body);
  const expiresAt = new Date(Date.now() + (body.expiresInDays ?? defaultTtlDays) * 86_400_000);
  return db.transaction(async (tx) => {
    for (let attempt = 0; ; attempt++) {
      const code = newInviteCode();
      const rows = await tx
        .insert(invites)
        .values({ code, role: body.role, unitCodes: communes, agencyId: agency?.id ?? null, createdBy: actor.label, expiresAt })
        .onConflictDoNothing()
        .returning();
      if (rows.length) {
        await recordAudit(tx, { actor: actor.label, origin: actor.origin, action: "invite.create", entityType: "invite", entityId: code, details: { role: body.role, communes, agencyId: agency?.id ?? null } });
        return { code, role: body.role, communes, expiresAt: expiresAt.toISOString(), agency, deepLinkPayload: `i_${code}` };
      }
      if (attempt > 5) throw new Error("could not draw a free invite code");
    }
  });
}
