import { sql } from "drizzle-orm";
import { expect } from "vitest";
import { queryRows, type Db, type DbOrTx } from "../../src/db/client.js";
import type { SendPacing } from "../../src/channels/adapter.js";

/**
 * Seeding for delivery tests and the benchmark: subscribers, subscriptions and drafts inserted set-based.
 * Telegram chat ids are `base + i`, so a test can map a chat back to a subscriber.
 */
export async function seedSubscribers(
  db: DbOrTx,
  opts: { count: number; units: string[]; channel?: string; base?: number; role?: "resident" | "propagandist"; status?: string; locale?: string },
): Promise<void> {
  const base = opts.base ?? 1_000_000;
  const units = JSON.stringify(opts.units);
  await db.execute(sql`
    with s as (
      insert into subscribers (channel, external_id, status, locale, consent_at)
      select ${opts.channel ?? "telegram"}, (${base}::bigint + g)::text, ${opts.status ?? "active"}, ${opts.locale ?? "vi"}, now()
      from generate_series(0, ${opts.count - 1}) g
      returning id, external_id
    )
    insert into subscriptions (subscriber_id, unit_code, role)
    select s.id, (${units}::jsonb ->> ((s.external_id::bigint - ${base}) % jsonb_array_length(${units}::jsonb))::int), ${opts.role ?? "resident"}
    from s`);
}

export async function someUnits(db: DbOrTx, n: number): Promise<string[]> {
  const rows = await queryRows<{ code: string }>(db, sql`select code from admin_units order by code limit ${n}`);
  return rows.map((r) => r.code);
}

/** An agency and an approved draft targeting these units (or all), with a 30-day period from now. */
export async function insertDraft(
  db: DbOrTx,
  opts: { units?: string[]; targetAll?: boolean; title?: string; secret?: boolean; status?: "draft" | "open" } = {},
): Promise<string> {
  const [a] = await queryRows<{ id: string }>(db, sql`
    insert into agencies (name, name_key) values ('Sở Tư pháp', 'so-tu-phap-' || gen_random_uuid())
    returning id`);
  const [d] = await queryRows<{ id: string }>(db, sql`
    insert into drafts (title, agency_id, requires_policy_proposal, affects_rights_and_obligations, sensitive_or_contested,
      province_wide, contains_state_secrets, summary_necessity, summary_main_content, summary_rights_changes, full_text_url,
      comment_opens_at, comment_closes_at, target_all, status, created_by)
    values (${opts.title ?? "Nghị quyết về phí thu gom rác thải"}, ${a!.id}, true, true, false, false, ${opts.secret ?? false},
      'Cần thống nhất mức phí trên địa bàn tỉnh.', 'Quy định mức phí thu gom rác thải sinh hoạt cho hộ gia đình và cá nhân.',
      'Hộ gia đình nộp phí theo khối lượng thay vì theo hộ.', 'https://langson.gov.vn/du-thao/1',
      now(), '2030-06-30T16:59:00Z', ${opts.targetAll ?? false}, ${opts.status ?? "open"}, 'test')
    returning id`);
  await db.execute(sql`insert into questions (draft_id, position, text, choices)
    values (${d!.id}, 1, 'Bạn có đồng ý với mức phí mới không?', array['Đồng ý', 'Không đồng ý'])`);
  for (const u of opts.units ?? []) await db.execute(sql`insert into draft_targets (draft_id, unit_code) values (${d!.id}, ${u})`);
  return d!.id;
}

export async function stateCounts(db: Db, broadcastId: string): Promise<Record<string, number>> {
  const rows = await queryRows<{ state: string; n: number }>(db, sql`
    select state, count(*)::int as n from deliveries where broadcast_id = ${broadcastId} group by state`);
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

/** Wait until no delivery of the broadcast is queued or sending (or the timeout). */
export async function waitForBroadcast(db: Db, broadcastId: string, timeoutMs = 60_000): Promise<Record<string, number>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const c = await stateCounts(db, broadcastId);
    if (!c.queued && !c.sending) return c;
    if (Date.now() > until) throw new Error(`broadcast not finished after ${timeoutMs} ms: ${JSON.stringify(c)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Deliveries not yet sent (queued or sending), over the whole outbox. */
export async function pendingDeliveries(db: DbOrTx): Promise<number> {
  const [r] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from deliveries where state in ('queued', 'sending')`);
  return r!.n;
}

/**
 * Wait until a platform got more than `before` messages (`received()`: how many it has now; not waited
 * for when no reply is expected) and nothing is left to send.
 */
export async function untilDelivered(db: DbOrTx, received: () => number, before: number, expectReply = true): Promise<void> {
  await expect.poll(async () => (!expectReply || received() > before) && (await pendingDeliveries(db)) === 0, { timeout: 15_000, interval: 50 }).toBe(true);
}

/** A send's pacing that records what the adapter reported, in order ("written", "answered", "another"). */
export function recordingPacing(): SendPacing & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    written: () => void log.push("written"),
    answered: () => void log.push("answered"),
    another: () => {
      log.push("another");
      return Promise.resolve();
    },
  };
}
