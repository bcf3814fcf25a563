import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type DbOrTx } from "../db/client.js";
import { deliveryStates } from "../db/schema/index.js";
import { notFound } from "../errors.js";

const counts = z.object(Object.fromEntries(deliveryStates.map((s) => [s, z.number().int()])) as Record<(typeof deliveryStates)[number], z.ZodNumber>);

export const broadcastStatusView = z.object({
  id: z.uuid(),
  draftId: z.uuid().nullable(),
  kind: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  total: z.number().int().meta({ description: "Recipients enqueued" }),
  counts: counts.meta({ description: "Deliveries per state" }),
  done: z.number().int().meta({ description: "sent + failed + outside_window" }),
  percent: z.number(),
  finished: z.boolean(),
  ratePerSecond: z.number().meta({ description: "Messages sent per second over the last minute (or since the first send, if later)" }),
  etaSeconds: z.number().nullable().meta({ description: "Estimated seconds left at the current rate; null when nothing is moving" }),
  outsideWindow: z.number().int().meta({ description: "Zalo OA recipients outside the 7-day messaging window" }),
  failuresByReason: z.array(z.object({ reason: z.string(), count: z.number().int(), example: z.string().nullable() })),
  byChannel: z.array(z.object({ channel: z.string(), counts })),
  lastSentAt: z.string().nullable(),
});
export type BroadcastStatus = z.infer<typeof broadcastStatusView>;

interface Head {
  id: string;
  draft_id: string | null;
  kind: string;
  created_at: string | Date;
  created_by: string;
  total: number;
}

const iso = (v: string | Date | null) => (v === null ? null : new Date(v).toISOString());
const zero = () => Object.fromEntries(deliveryStates.map((s) => [s, 0])) as Record<(typeof deliveryStates)[number], number>;

async function statusOf(db: DbOrTx, head: Head): Promise<BroadcastStatus> {
  const rows = await queryRows<{ channel: string; state: string; n: number }>(db, sql`
    select channel, state, count(*)::int as n from deliveries where broadcast_id = ${head.id} group by channel, state`);
  const all = zero();
  const byChannel = new Map<string, ReturnType<typeof zero>>();
  for (const r of rows) {
    const k = r.state as keyof typeof all;
    all[k] += r.n;
    const c = byChannel.get(r.channel) ?? zero();
    c[k] += r.n;
    byChannel.set(r.channel, c);
  }
  const [rate] = await queryRows<{ recent: number; window_s: number | null; last: string | Date | null }>(db, sql`
    select count(*) filter (where sent_at > now() - interval '1 minute')::int as recent,
      extract(epoch from (now() - greatest(min(sent_at) filter (where sent_at > now() - interval '1 minute'), now() - interval '1 minute')))::float8 as window_s,
      max(sent_at) as last
    from deliveries where broadcast_id = ${head.id} and state = 'sent'`);
  const failures = await queryRows<{ reason: string; count: number; example: string | null }>(db, sql`
    select coalesce(error_kind, 'unknown') as reason, count(*)::int as count, min(error_detail) as example
    from deliveries where broadcast_id = ${head.id} and state = 'failed' group by 1 order by 2 desc`);
  const total = Object.values(all).reduce((a, b) => a + b, 0);
  const done = all.sent + all.failed + all.outside_window;
  const remaining = all.queued + all.sending;
  const windowS = Math.max(1, rate?.window_s ?? 60);
  const ratePerSecond = rate?.recent ? Math.round((rate.recent / windowS) * 10) / 10 : 0;
  return {
    id: head.id,
    draftId: head.draft_id,
    kind: head.kind,
    createdAt: iso(head.created_at)!,
    createdBy: head.created_by,
    total: Math.max(total, head.total),
    counts: all,
    done,
    percent: total ? Math.floor((done / total) * 1000) / 10 : 100,
    finished: remaining === 0,
    ratePerSecond,
    etaSeconds: remaining === 0 ? 0 : ratePerSecond > 0 ? Math.ceil(remaining / ratePerSecond) : null,
    outsideWindow: all.outside_window,
    failuresByReason: failures,
    byChannel: [...byChannel].map(([channel, c]) => ({ channel, counts: c })),
    lastSentAt: iso(rate?.last ?? null),
  };
}

/** Where every message of a broadcast stands. */
export async function broadcastStatus(db: DbOrTx, id: string): Promise<BroadcastStatus> {
  const [head] = await queryRows<Head>(db, sql`select id, draft_id, kind, created_at, created_by, total from broadcasts where id = ${id}`);
  if (!head) throw notFound(`No broadcast ${id}.`);
  return statusOf(db, head);
}

/** Every broadcast of a draft, oldest first, with its status. */
export async function draftBroadcasts(db: DbOrTx, draftId: string): Promise<BroadcastStatus[]> {
  const [d] = await queryRows<{ id: string }>(db, sql`select id from drafts where id = ${draftId}`);
  if (!d) throw notFound(`No draft ${draftId}.`);
  const heads = await queryRows<Head>(db, sql`
    select id, draft_id, kind, created_at, created_by, total from broadcasts where draft_id = ${draftId} order by created_at, id`);
  const out: BroadcastStatus[] = [];
  for (const h of heads) out.push(await statusOf(db, h));
  return out;
}
