import { and, asc, eq, lt, sql } from "drizzle-orm";
import { queryRows, type Db, type DbOrTx } from "../../db/client.js";
import { broadcasts, drafts, jobRuns, PRIORITY_BULK } from "../../db/schema/index.js";
import { localDay } from "../../text/local-time.js";
import { enqueue, type OutboxItem } from "../../delivery/outbox.js";
import type { Locale } from "../../i18n/index.js";
import { draftDigest, ts, type DraftDigest } from "./data.js";
import { renderDigest } from "./render.js";

/** job_runs key of a day's digest: one per local date, whatever time or instance runs it. */
export const DIGEST_DAY_JOB = "digest-day";
export const DIGEST_ACTOR = "scheduler:digest";
const KEEP_DAY_CLAIMS_MS = 60 * 86_400_000;

export interface DigestOptions {
  now: Date;
  timeZone: string;
  windowDays: number;
}

export interface DigestResult {
  /** Officers sent a digest (one message each); 0 when nothing was due. */
  sent: number;
  drafts: string[];
  /** Set when today's digest had already gone out. */
  skipped?: "already-sent";
  broadcastId?: string;
}

interface Officer {
  subscriber_id: string;
  channel: string;
  locale: string;
  /** Agencies the officer follows; `all` when one of their officer links has no agency. */
  agencies: string[];
  all: boolean;
  /** The officer's previous digest, if any. */
  since: string | Date | null;
}

type DraftRow = typeof drafts.$inferSelect;

/**
 * Officers in chat (joined with an officer invite, still active): each follows the drafts of their
 * agency, or of every agency when invited without one. The same person linked twice is one recipient.
 */
async function officersInChat(db: DbOrTx, now: Date): Promise<Officer[]> {
  return queryRows<Officer>(db, sql`
    select o.subscriber_id, s.channel, s.locale,
      coalesce(array_agg(distinct o.agency_id::text) filter (where o.agency_id is not null), '{}') as agencies,
      bool_or(o.agency_id is null) as "all",
      (select max(b.created_at) from deliveries x join broadcasts b on b.id = x.broadcast_id
        where x.subscriber_id = o.subscriber_id and b.kind = 'digest' and b.created_at < ${ts(now)}) as since
    from officers o join subscribers s on s.id = o.subscriber_id
    where o.active and s.status = 'active'
    group by o.subscriber_id, s.channel, s.locale
    order by o.subscriber_id`);
}

/** Claim the local day for the digest, inside the caller's transaction; false when already claimed. */
async function claimDay(tx: DbOrTx, day: string, now: Date): Promise<boolean> {
  const rows = await tx
    .insert(jobRuns)
    .values({ job: DIGEST_DAY_JOB, slot: day, owner: DIGEST_ACTOR, startedAt: now, status: "running" })
    .onConflictDoNothing()
    .returning({ id: jobRuns.id });
  if (!rows.length) return false;
  await tx.delete(jobRuns).where(and(eq(jobRuns.job, DIGEST_DAY_JOB), lt(jobRuns.startedAt, new Date(now.getTime() - KEEP_DAY_CLAIMS_MS))));
  return true;
}

/**
 * The officers' daily digest (README, "Timed jobs"; docs/architecture.md): one message per officer in chat, through the outbox (kind
 * "digest", bulk priority, one "digest" broadcast per day), covering each open draft they follow:
 * new answers per choice since their previous digest, participation per commune, a few new comments,
 * flagged comments, days left, people out of reach and scripts unconfirmed after 48 h.
 * Officers with no open draft get nothing; a second run on the same local day sends nothing.
 */
export async function sendDailyDigests(db: Db, opts: DigestOptions): Promise<DigestResult> {
  const { now } = opts;
  const day = localDay(now, opts.timeZone);
  return db.transaction(async (tx) => {
    const open = await tx.select().from(drafts).where(eq(drafts.status, "open")).orderBy(asc(drafts.commentClosesAt), asc(drafts.createdAt));
    if (!open.length) return { sent: 0, drafts: [] };
    const officers = await officersInChat(tx, now);
    const plan = officers
      .map((o) => ({ o, list: open.filter((d) => o.all || o.agencies.includes(d.agencyId)) }))
      .filter((p) => p.list.length > 0);
    if (!plan.length) return { sent: 0, drafts: [] };
    if (!(await claimDay(tx, day, now))) return { sent: 0, drafts: [], skipped: "already-sent" };

    const [b] = await tx.insert(broadcasts).values({ kind: "digest", createdBy: DIGEST_ACTOR, createdAt: now }).returning({ id: broadcasts.id });
    const cache = new Map<string, DraftDigest>();
    const digestOf = async (d: DraftRow, since: Date | null) => {
      const key = `${d.id}:${since?.toISOString() ?? ""}`;
      let v = cache.get(key);
      if (!v) {
        v = await draftDigest(tx, d, since, now);
        cache.set(key, v);
      }
      return v;
    };
    const items: OutboxItem[] = [];
    const covered = new Set<string>();
    for (const { o, list } of plan) {
      const since = o.since ? new Date(o.since) : null;
      const sections: DraftDigest[] = [];
      for (const d of list) {
        sections.push(await digestOf(d, since));
        covered.add(d.id);
      }
      const locale: Locale = o.locale === "en" ? "en" : "vi";
      items.push({
        subscriberId: o.subscriber_id,
        channel: o.channel,
        kind: "digest",
        priority: PRIORITY_BULK,
        broadcastId: b!.id,
        message: { text: renderDigest(locale, sections, now, opts) },
      });
    }
    const sent = await enqueue(tx, items);
    await tx.update(broadcasts).set({ total: sent }).where(eq(broadcasts.id, b!.id));
    await tx
      .update(jobRuns)
      .set({ status: "done", finishedAt: now, details: { broadcastId: b!.id, officers: sent, drafts: [...covered] } })
      .where(and(eq(jobRuns.job, DIGEST_DAY_JOB), eq(jobRuns.slot, day)));
    return { sent, drafts: [...covered], broadcastId: b!.id };
  });
}
