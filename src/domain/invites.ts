import { randomInt } from "node:crypto";
import { inArray } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client.js";
import { adminUnits, invites } from "../db/schema/index.js";
import { unprocessable } from "../errors.js";
import { recordAudit } from "./audit.js";

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
    expiresInDays: z.number().int().min(1).max(365).optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.role === "propagandist" && !b.communes.length) ctx.addIssue({ code: "custom", path: ["communes"], message: "a propagandist needs at least one commune" });
  });
export type CreateInviteBody = z.infer<typeof createInviteBody>;

export const inviteView = z.object({
  code: z.string(),
  role: z.enum(["propagandist", "officer"]),
  communes: z.array(z.string()),
  expiresAt: z.string().nullable(),
  /** The /start payload: t.me/<bot>?start=i_<code>; typing the code in chat works too. */
  deepLinkPayload: z.string(),
});
export type InviteView = z.infer<typeof inviteView>;

/** Create a single-use invite for a propagandist (or officer) of the given communes. */
export async function createInvite(
  db: Db,
  actor: { label: string; agencyId: string | null },
  body: CreateInviteBody,
): Promise<InviteView> {
  const communes = [...new Set(body.communes)];
  if (communes.length) {
    const found = new Set((await db.select({ code: adminUnits.code }).from(adminUnits).where(inArray(adminUnits.code, communes))).map((r) => r.code));
    const errors = body.communes.flatMap((c, i) => (found.has(c) ? [] : [{ field: `communes.${i}`, message: `unknown unit code ${c}` }]));
    const unknown = communes.filter((c) => !found.has(c));
    if (errors.length) throw unprocessable(`Unknown unit code(s): ${unknown.join(", ")}.`, errors);
  }
  const expiresAt = body.expiresInDays ? new Date(Date.now() + body.expiresInDays * 86_400_000) : null;
  return db.transaction(async (tx) => {
    for (let attempt = 0; ; attempt++) {
      const code = newInviteCode();
      const rows = await tx
        .insert(invites)
        .values({ code, role: body.role, unitCodes: communes, agencyId: actor.agencyId, createdBy: actor.label, expiresAt })
        .onConflictDoNothing()
        .returning();
      if (rows.length) {
        await recordAudit(tx, { actor: actor.label, action: "invite.create", entityType: "invite", entityId: code, details: { role: body.role, communes } });
        return { code, role: body.role, communes, expiresAt: expiresAt?.toISOString() ?? null, deepLinkPayload: `i_${code}` };
      }
      if (attempt > 5) throw new Error("could not draw a free invite code");
    }
  });
}
