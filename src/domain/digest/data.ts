import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client.js";
import type { drafts } from "../../db/schema/index.js";
import type { OutOfReach } from "../reach.js";
import type { OfflineFigures } from "../offline-feedback.js";
import { draftStats, type ChannelFigures } from "../stats.js";
import { effectiveDeadline } from "../drafts/deadline.js";
import { oneLine } from "../../text/truncate.js";

const HOUR = 3_600_000;
/** Relay follow-up (see docs/architecture.md): scripts not confirmed within 48 h are shown to officers. */
export const RELAY_LATE_MS = 48 * HOUR;
/** Communes listed per draft (most respondents first). */
const TOP_COMMUNES = 3;
/** Comments quoted per draft, and their length. */
const SAMPLE_COMMENTS = 3;
const COMMENT_CHARS = 120;
/** Commune names listed for unconfirmed scripts. */
const LATE_RELAY_UNITS = 5;

export interface DraftDigest {
  draftId: string;
  title: string;
  closesAt: Date;
  /** The officer's previous digest; null: the first one (everything since the period opened). */
  since: Date | null;
  newAnswers: number;
  questions: { number: number; text: string; choices: { label: string; added: number; total: number }[] }[];
  respondents: number;
  subscribers: number;
  /** The few communes with the most respondents (communes with no subscribers and no respondents left out). */
  communes: { name: string; respondents: number; subscribers: number }[];
  /** Visible comments given since `since` (not late; flagged ones are held for review and counted in `flagged` only,
   * hidden ones nowhere), and up to three of them, newest first. */
  newComments: number;
  sample: { text: string; unit: string | null }[];
  /** Comments flagged and awaiting moderation (all of the draft's, not only new ones). */
  flagged: number;
  outOfReach: OutOfReach;
  /** Online figures per channel and offline figures, side by side (never added together). */
  byChannel: ChannelFigures[];
  offline: OfflineFigures;
  /** Propagandists who have not confirmed the script within 48 h, and some of their communes. */
  lateRelays: { count: number; units: string[]; moreUnits: number };
}

type DraftRow = typeof drafts.$inferSelect;

/** A time as a SQL timestamptz parameter (the same on PGlite and node-postgres). */
export const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** What one officer's digest says about one open draft, for feedback given after `since` up to `now`. */
export async function draftDigest(db: DbOrTx, draft: DraftRow, since: Date | null, now: Date): Promise<DraftDigest> {
  const stats = await draftStats(db, draft);
  const deadline = effectiveDeadline(draft);
  const from = ts(since ?? new Date(0));
  const until = ts(deadline < now ? deadline : now);

  const added = await queryRows<{ question_id: string; choice_index: number; n: number }>(db, sql`
    select question_id, choice_index, count(*)::int as n from answers
    where draft_id = ${draft.id} and updated_at > ${from} and updated_at <= ${until}
    group by 1, 2`);
  const addedOf = new Map(added.map((a) => [`${a.question_id}:${a.choice_index}`, a.n]));

  const [c] = await queryRows<{ added: number; flagged: number }>(db, sql`
    select
      count(*) filter (where not late and moderation = 'visible' and created_at > ${from} and created_at <= ${until})::int as added,
      count(*) filter (where moderation = 'flagged')::int as flagged
    from comments where draft_id = ${draft.id}`);
  const sample = await queryRows<{ text: string; unit: string | null }>(db, sql`
    select c.text, u.name as unit from comments c left join admin_units u on u.code = c.unit_code
    where c.draft_id = ${draft.id} and not c.late and c.moderation = 'visible' and c.created_at > ${from} and c.created_at <= ${until}
    order by c.created_at desc, c.id limit ${SAMPLE_COMMENTS}`);

  const lateBefore = ts(new Date(now.getTime() - RELAY_LATE_MS));
  const late = await queryRows<{ name: string | null; n: number }>(db, sql`
    select coalesce(u.name, r.unit_code) as name, count(*)::int as n
    from relays r left join admin_units u on u.code = r.unit_code
    where r.draft_id = ${draft.id} and r.confirmed_at is null and r.sent_at <= ${lateBefore}
    group by 1 order by 2 desc, 1`);

  const communes = stats.communes
    .filter((x) => x.subscribers > 0 || x.respondents > 0)
    .sort((a, b) => b.respondents - a.respondents || b.subscribers - a.subscribers || a.name.localeCompare(b.name, "vi"))
    .slice(0, TOP_COMMUNES)
    .map(({ name, respondents, subscribers }) => ({ name, respondents, subscribers }));

  return {
    draftId: draft.id,
    title: draft.title,
    closesAt: deadline,
    since,
    newAnswers: added.reduce((a, r) => a + r.n, 0),
    questions: stats.questions.map((q) => ({
      number: q.number,
      text: q.text,
      choices: q.choices.map((ch) => ({ label: ch.label, added: addedOf.get(`${q.id}:${ch.index}`) ?? 0, total: ch.count })),
    })),
    respondents: stats.totals.respondents,
    subscribers: stats.totals.subscribers,
    communes,
    newComments: c?.added ?? 0,
    sample: sample.map((s) => ({ text: oneLine(s.text, COMMENT_CHARS), unit: s.unit })),
    flagged: c?.flagged ?? 0,
    outOfReach: stats.outOfReach,
    byChannel: stats.byChannel,
    offline: stats.offline,
    lateRelays: { count: late.reduce((a, r) => a + r.n, 0), units: late.slice(0, LATE_RELAY_UNITS).map((r) => r.name ?? "?"), moreUnits: Math.max(0, late.length - LATE_RELAY_UNITS) },
  };
}
