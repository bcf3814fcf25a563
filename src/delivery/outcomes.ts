import { sql, type SQL } from "drizzle-orm";
import { queryRows, queryRowsPrepared, type Db } from "../db/client.js";
import type { DeliveryState } from "../db/schema/index.js";

/** What happened to one claimed delivery, to be written back in a batch. */
export interface Outcome {
  id: number;
  subscriberId: string;
  state: DeliveryState;
  externalId?: string | null;
  errorKind?: string | null;
  errorDetail?: string | null;
  /** Back to the queue after this many ms (retry or give-back); state must be "queued". */
  retryInMs?: number;
  /** Added to attempts (−1 gives back an attempt that did not count, e.g. throttled or released). */
  attemptDelta?: number;
}

/**
 * The statement that writes a group of outcomes (UPDATE … FROM jsonb_to_recordset), only to rows this
 * worker still leases. The rows are looked up by primary key from the group's ids, given as an array: the
 * plan then reads only the group's rows, whatever the table's size and statistics. Without that array the
 * planner read the whole table for each group while it held some tens of thousands of rows (it guesses a
 * hundred rows in the group; a slow lane writes groups of one). The state is tested through coalesce() on
 * purpose: the lease index's predicate (state = 'sending') is then not implied, so the planner cannot pick
 * that index, which it judges cheap on stale statistics (a broadcast just queued) and which reads every row
 * this worker leases (the buffer's thousand) for each group.
 */
export function outcomeGroupUpdate(owner: string, outcomes: Outcome[]): SQL {
  const rows = outcomes.map((o) => ({
    id: o.id,
    state: o.state,
    external_id: o.externalId ?? null,
    error_kind: o.errorKind ?? null,
    error_detail: o.errorDetail ?? null,
    retry_ms: o.retryInMs === undefined ? null : Math.max(0, Math.round(o.retryInMs)),
    attempt_delta: o.attemptDelta ?? 0,
  }));
  const ids = `{${outcomes.map((o) => Number(o.id)).join(",")}}`;
  return sql`
      update deliveries d set
        state = v.state,
        lease_until = null,
        leased_by = case when v.state = 'queued' then null else d.leased_by end,
        attempts = greatest(0, d.attempts + v.attempt_delta),
        next_attempt_at = case when v.retry_ms is null then d.next_attempt_at
                               else now() + v.retry_ms * interval '1 millisecond' end,
        external_id = coalesce(v.external_id, d.external_id),
        error_kind = v.error_kind,
        error_detail = v.error_detail,
        sent_at = case when v.state = 'sent' then now() else d.sent_at end
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as v(id bigint, state text, external_id text, error_kind text, error_detail text, retry_ms int, attempt_delta int)
      where d.id = any(${ids}::bigint[]) and d.id = v.id and d.leased_by = ${owner} and coalesce(d.state, '') = 'sending'`;
}

/**
 * Write a group of outcomes in one statement (`outcomeGroupUpdate`, prepared on PostgreSQL: planning it took
 * a tenth of its time for the usual group of ~40); when a recipient is gone, in the same transaction, mark
 * them gone and fail their other queued deliveries.
 */
export async function recordOutcomes(db: Db, owner: string, outcomes: Outcome[]): Promise<void> {
  if (!outcomes.length) return;
  const update = outcomeGroupUpdate(owner, outcomes);
  const gone = [...new Set(outcomes.filter((o) => o.errorKind === "recipient_gone").map((o) => o.subscriberId))];
  if (!gone.length) {
    await queryRowsPrepared(db, update);
    return;
  }
  await db.transaction(async (tx) => {
    await queryRowsPrepared(tx, update);
    const ids = JSON.stringify(gone);
    await tx.execute(sql`
      update subscribers set status = 'gone', updated_at = now()
      where id in (select value::uuid from jsonb_array_elements_text(${ids}::jsonb)) and status in ('pending', 'active')`);
    await tx.execute(sql`
      update deliveries set state = 'failed', error_kind = 'recipient_gone',
        error_detail = 'recipient gone (an earlier message was refused)'
      where subscriber_id in (select value::uuid from jsonb_array_elements_text(${ids}::jsonb)) and state = 'queued'`);
  });
}

/**
 * Renew the leases of every row this worker still holds (buffered, in flight, or with an outcome not yet
 * written): a live worker never loses a row to `reclaimExpiredLeases` (its own or another instance's) while
 * a send may still happen; a crashed one stops renewing and its rows come back after one lease.
 */
export async function extendLeases(db: Db, owner: string, leaseMs: number): Promise<number> {
  const [r] = await queryRows<{ n: number }>(db, sql`
    with held as (
      update deliveries set lease_until = now() + ${`${leaseMs} milliseconds`}::interval
      where id in (
        -- Rows whose outcome is being written right now are skipped (no lock-order deadlock with it).
        select id from deliveries where state = 'sending' and leased_by = ${owner} for update skip locked)
      returning 1
    ) select count(*)::int as n from held`);
  return r?.n ?? 0;
}

/** Put rows whose lease expired (a worker crashed or stalled) back in the queue. */
export async function reclaimExpiredLeases(db: Db): Promise<number> {
  const [r] = await queryRows<{ n: number }>(db, sql`
    with back as (
      update deliveries set state = 'queued', lease_until = null, leased_by = null
      where state = 'sending' and lease_until < now()
      returning 1
    ) select count(*)::int as n from back`);
  return r?.n ?? 0;
}
