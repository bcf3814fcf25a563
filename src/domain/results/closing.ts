import { and, eq, gt, isNull } from "drizzle-orm";
import { sql } from "drizzle-orm";
import type { Db, DbOrTx } from "../../db/client.js";
import { drafts } from "../../db/schema/index.js";
import { t, type Locale } from "../../i18n/index.js";
import { feedbackSources } from "../feedback-sources.js";
import { draftDigest } from "../digest/data.js";
import { renderDigest } from "../digest/render.js";
import { createBroadcast, enqueueAudience, enqueueBroadcast } from "../../delivery/outbox.js";
import { byLocale, LOCALES, perLocale } from "../../messages/per-locale.js";
import { ANSWERED_MARK, resultsMessage } from "./message.js";
import { draftResults } from "./tally.js";

export const RESULTS_ACTOR = "scheduler:closing-results";
/** Drafts closed longer ago than this are not sent results (a first run never floods old drafts). */
const RESULTS_WITHIN_MS = 7 * 86_400_000;

type DraftRow = typeof drafts.$inferSelect;

export interface ClosingOptions {
  now: Date;
  timeZone: string;
  windowDays: number;
}

export interface ClosingResult {
  drafts: { draftId: string; officers: number; respondents: number }[];
}

/**
 * After a draft closes (at its deadline or early): the officers of its agency (and officers of every
 * agency) get the final digest, and every resident who answered at least one question in time gets the
 * results in one short message. Once per draft: drafts.results_sent_at is claimed by the UPDATE that
 * starts the transaction. Both go through the outbox at bulk priority (quiet hours hold them).
 */
export async function sendClosingResults(db: Db, opts: ClosingOptions): Promise<ClosingResult> {
  const due = await db
    .select({ id: drafts.id })
    .from(drafts)
    .where(and(eq(drafts.status, "closed"), isNull(drafts.resultsSentAt), eq(drafts.containsStateSecrets, false), gt(drafts.closedAt, new Date(opts.now.getTime() - RESULTS_WITHIN_MS))));
  const out: ClosingResult = { drafts: [] };
  for (const { id } of due) {
    const sent = await db.transaction(async (tx) => {
      const [d] = await tx.update(drafts).set({ resultsSentAt: opts.now }).where(and(eq(drafts.id, id), isNull(drafts.resultsSentAt))).returning();
      if (!d) return null;
      return { draftId: id, officers: await finalDigest(tx, d, opts), respondents: await results(tx, d, opts.now) };
    });
    if (sent) out.drafts.push(sent);
  }
  return out;
}

/** The final digest to the officers in chat who follow the draft's agency (or every agency). */
async function finalDigest(tx: DbOrTx, d: DraftRow, opts: ClosingOptions): Promise<number> {
  const section = await draftDigest(tx, d, null, opts.now);
  const message = perLocale((l) => ({ text: `${t(l, "results.finalDigest", { title: d.title })}\n\n${renderDigest(l, [section], opts.now, opts)}` }));
  const broadcastId = await createBroadcast(tx, d.id, "digest", RESULTS_ACTOR, opts.now);
  return enqueueAudience(tx, broadcastId, "digest", byLocale(message), sql`s.status = 'active' and exists (
    select 1 from officers o where o.subscriber_id = s.id and o.active and (o.agency_id = ${d.agencyId} or o.agency_id is null))`);
}

/** One results message per respondent, built per commune and locale, the person's own count filled in by SQL. */
async function results(tx: DbOrTx, d: DraftRow, now: Date): Promise<number> {
  const r = await draftResults(tx, d);
  const units = [...new Set([...r.byCommune.keys(), ...r.stats.communes.map((c) => c.code)])];
  const messages = units.map((unit) => {
    const text = Object.fromEntries(LOCALES.map((l: Locale) => [l, { text: resultsMessage(l, d.title, r, unit || null) }]));
    return { unit, ...text };
  });
  const broadcastId = await createBroadcast(tx, d.id, "closing", RESULTS_ACTOR, now);
  return enqueueBroadcast(tx, {
    broadcastId, kind: "results",
    with: sql`
      ${feedbackSources(d.id)},
      who as (select subscriber_id, min(unit_code) as unit_code, count(*)::int as answered from ontime group by 1),
      msgs as (select * from jsonb_to_recordset(${JSON.stringify(messages)}::jsonb) as m(unit text, vi jsonb, en jsonb))`,
    message: sql`jsonb_set(x.msg, '{text}', to_jsonb(replace(x.msg ->> 'text', ${ANSWERED_MARK}, who.answered::text)))`,
    from: sql`from who
      join subscribers s on s.id = who.subscriber_id
      join msgs m on m.unit = coalesce(who.unit_code, '')
      cross join lateral (select case when s.locale = 'en' then m.en else m.vi end as msg) x
      where s.status = 'active'`,
  });
}
