import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client.js";
import type { OutboundMessage, Recipient } from "../channels/message.js";
import { PRIORITY_BULK, PRIORITY_REPLY } from "../db/schema/index.js";

/** A delivery leased to this worker, with the recipient's address and status read at claim time. */
export interface ClaimedRow {
  id: number;
  subscriber_id: string;
  external_id: string;
  /** The subscriber's status at claim time: bulk to a stopped or gone subscriber is not sent. */
  status: string;
  kind: string;
  message: OutboundMessage;
  attempts: number;
  priority: number;
  error_detail: string | null;
  /** Which claim of this worker brought the row in (see the worker's `gone` map). */
  claimSeq?: number;
  /** Read only when the claim asks (`ClaimRequest.withWindow`): the person's last interaction and locale. */
  last_interaction_at?: string | Date | null;
  locale?: string | null;
}

export interface ClaimRequest {
  channel: string;
  limit: number;
  /** Only replies (priority below bulk): claimed ahead of a full buffer of bulk after a kick. */
  repliesOnly: boolean;
  /** This worker's lease owner id. */
  owner: string;
  leaseMs: number;
  /** Also read each person's last interaction and locale (a channel with a messaging window: Zalo OA). */
  withWindow?: boolean;
}

/**
 * Lease up to `limit` due deliveries of one channel in one statement (FOR UPDATE SKIP LOCKED, highest
 * priority first), returned in queue order (priority, then id: a person's messages in the order queued).
 * The recipient's address and status (and window) come from one index lookup per claimed row: a lateral
 * subquery kept apart by OFFSET 0 — a plain join here lets the planner hash whole tables on every claim once
 * they hold tens of thousands of rows, and a scalar subquery per column looked the person up once per column.
 */
export async function claimDue(db: Db, req: ClaimRequest): Promise<ClaimedRow[]> {
  const lease = `${req.leaseMs} milliseconds`;
  // The queue's statistics are stale right after a broadcast enqueues thousands of rows (and the
  // distribution moves as it is sent): without sorts the planner walks the ready index in claim
  // order and stops at the limit, instead of fetching and sorting every queued row per claim.
  const rows = await db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('enable_sort', 'off', true), set_config('jit', 'off', true)`);
    return queryRows<ClaimedRow>(tx, sql`
    with due as (
      select id from deliveries
      where state = 'queued' and next_attempt_at <= now() and channel = ${req.channel}
        ${req.repliesOnly ? sql`and priority < ${PRIORITY_BULK}` : sql``}
      order by priority, next_attempt_at, id
      limit ${req.limit}
      for update skip locked
    ), claimed as (
      update deliveries d set
        state = 'sending',
        lease_until = now() + ${lease}::interval,
        leased_by = ${req.owner},
        attempts = d.attempts + 1
      from due
      where d.id = due.id
      returning d.id, d.subscriber_id, d.kind, d.message, d.attempts, d.priority, d.error_detail
    )
    select c.id, c.subscriber_id, s.external_id, s.status,
      ${req.withWindow ? sql`s.last_interaction_at, s.locale,` : sql``}
      c.kind, c.message, c.attempts, c.priority, c.error_detail
    from claimed c
    left join lateral (
      select external_id, status, last_interaction_at, locale from subscribers where id = c.subscriber_id offset 0
    ) s on true`);
  });
  // Sorted here, not by an ORDER BY: with sorts disabled a Sort node is priced at 10^10, which lifted every
  // claim over PostgreSQL's jit_above_cost and compiled it with LLVM (~120 ms a claim, measured). JIT is off
  // for the claim as well, so a later edit cannot bring that back.
  return rows.sort(inQueueOrder);
}

function inQueueOrder(a: ClaimedRow, b: ClaimedRow): number {
  return a.priority - b.priority || a.id - b.id;
}

/** The recipient of a claimed row as the adapter gets it (with the window when the claim read it). */
export function recipientOf(row: ClaimedRow): Recipient {
  const to: Recipient = { subscriberId: row.subscriber_id, externalId: row.external_id };
  if (row.locale != null) {
    to.window = { lastInteractionAt: row.last_interaction_at ? new Date(row.last_interaction_at) : null, locale: row.locale };
  }
  return to;
}

/** Bulk to a person who stopped (replies still go) or whose account is gone is failed, not sent. */
export function notToBeSent(row: ClaimedRow): boolean {
  return row.status === "gone" || (row.status === "stopped" && row.priority > PRIORITY_REPLY);
}

/** How many deliveries of a channel wait in the queue (the queue-depth gauge). */
export async function countQueued(db: Db, channel: string): Promise<number> {
  const [r] = await queryRows<{ n: number }>(db, sql`
    select count(*)::int as n from deliveries where state = 'queued' and channel = ${channel}`);
  return r?.n ?? 0;
}
