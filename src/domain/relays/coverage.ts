import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client.js";
import type { DeliveryState } from "../../db/schema/index.js";

/** One propagandist's read-aloud script for the draft: when it was sent and whether they confirmed reading it. */
export interface RelayEntry {
  /** The propagandist's display name on their channel (null if the platform gave none). */
  displayName: string | null;
  channel: string;
  sentAt: string;
  /** Where the script's message is in the outbox (null: no delivery row, e.g. the outbox was pruned). */
  delivery: DeliveryState | null;
  confirmed: boolean;
  confirmedAt: string | null;
  remindedAt: string | null;
}

export interface CommuneRelayCoverage {
  code: string;
  name: string;
  /** Scripts sent to this commune's propagandists, and how many were confirmed read. */
  sent: number;
  confirmed: number;
  relays: RelayEntry[];
}

export interface RelayCoverage {
  draftId: string;
  totals: {
    /** Target communes of the draft. */
    communes: number;
    /** Target communes with at least one script sent, and with at least one confirmed. */
    communesSent: number;
    communesConfirmed: number;
    sent: number;
    confirmed: number;
    unconfirmed: number;
  };
  /** Every target commune (those without a propagandist too), by name. */
  communes: CommuneRelayCoverage[];
}

interface RelayRow {
  unit_code: string | null;
  display_name: string | null;
  channel: string;
  sent_at: string | Date;
  confirmed_at: string | Date | null;
  reminded_at: string | Date | null;
  delivery: DeliveryState | null;
}

const iso = (v: string | Date) => new Date(v).toISOString();
const isoOrNull = (v: string | Date | null) => (v === null ? null : iso(v));

/**
 * Relay coverage of a draft, per target commune: the propagandists the read-aloud script was sent to,
 * whether each confirmed ("Đã đọc"), when, and the totals. A relay counts under the commune it was sent
 * for (relays.unit_code); a commune no longer targeted but with relays is listed too.
 */
export async function relayCoverage(db: DbOrTx, draft: { id: string; targetAll: boolean }): Promise<RelayCoverage> {
  const units = await queryRows<{ code: string; name: string }>(db, sql`
    select u.code, u.name from admin_units u
    where ${draft.targetAll}
      or u.code in (select unit_code from draft_targets where draft_id = ${draft.id})
      or u.code in (select unit_code from relays where draft_id = ${draft.id})`);
  const rows = await queryRows<RelayRow>(db, sql`
    select r.unit_code, s.display_name, s.channel, r.sent_at, r.confirmed_at, r.reminded_at,
      (select x.state from deliveries x join broadcasts b on b.id = x.broadcast_id
        where b.draft_id = r.draft_id and b.kind = 'relay' and x.subscriber_id = r.subscriber_id
        order by x.created_at desc limit 1) as delivery
    from relays r join subscribers s on s.id = r.subscriber_id
    where r.draft_id = ${draft.id}
    order by r.sent_at, s.display_name, r.id`);

  const byUnit = new Map<string, CommuneRelayCoverage>();
  for (const u of units) byUnit.set(u.code, { code: u.code, name: u.name, sent: 0, confirmed: 0, relays: [] });
  for (const r of rows) {
    const code = r.unit_code ?? "";
    let commune = byUnit.get(code);
    if (!commune) byUnit.set(code, (commune = { code, name: code || "?", sent: 0, confirmed: 0, relays: [] }));
    commune.sent++;
    if (r.confirmed_at !== null) commune.confirmed++;
    commune.relays.push({
      displayName: r.display_name,
      channel: r.channel,
      sentAt: iso(r.sent_at),
      delivery: r.delivery,
      confirmed: r.confirmed_at !== null,
      confirmedAt: isoOrNull(r.confirmed_at),
      remindedAt: isoOrNull(r.reminded_at),
    });
  }
  const communes = [...byUnit.values()].sort((a, b) => a.name.localeCompare(b.name, "vi") || a.code.localeCompare(b.code));
  const sent = rows.length;
  const confirmed = rows.filter((r) => r.confirmed_at !== null).length;
  return {
    draftId: draft.id,
    totals: {
      communes: communes.length,
      communesSent: communes.filter((c) => c.sent > 0).length,
      communesConfirmed: communes.filter((c) => c.confirmed > 0).length,
      sent,
      confirmed,
      unconfirmed: sent - confirmed,
    },
    communes,
  };
}
