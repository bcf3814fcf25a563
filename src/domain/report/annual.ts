import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client.js";
import { ts } from "../digest/data.js";
import { noOffline, offlineCountsSql, type OfflineFigures } from "../offline-feedback.js";
import { reportPeriod, type ReportPeriod } from "./period.js";
import { reportSources, resolvedUnit } from "./sources.js";

/** Online figures of one channel (or every channel together). */
export interface OnlineFigures {
  answers: number;
  comments: number;
  /** Distinct people who answered or commented. */
  respondents: number;
}
export interface Handling {
  accepted: number;
  explained: number;
  pending: number;
}
export interface Relays {
  sent: number;
  confirmed: number;
}

export interface ReportDraft {
  id: string;
  code: string | null;
  title: string;
  agencyId: string;
  agencyName: string;
  status: string;
  publishedAt: Date;
  commentOpensAt: Date;
  commentClosesAt: Date;
  /** Length of the comment period in whole days. */
  periodDays: number;
  shortenedPeriodReason: string | null;
  /** All four criteria of a high-impact draft. */
  highImpact: boolean;
  online: OnlineFigures;
  /** Online figures per channel (the channels with feedback). */
  byChannel: Record<string, OnlineFigures>;
  offline: OfflineFigures;
  relays: Relays;
  handling: Handling;
}

export interface ReportCommune {
  code: string;
  name: string;
  /** Active residents per channel (a person with two channels counts on each), and in all. */
  subscribers: Record<string, number>;
  subscribersTotal: number;
  online: OnlineFigures;
  byChannel: Record<string, OnlineFigures>;
  offline: OfflineFigures;
  relays: Relays;
}

export interface ReportAgency {
  id: string;
  name: string;
  drafts: number;
  highImpact: number;
  online: OnlineFigures;
  offline: OfflineFigures;
  handling: Handling;
}

export interface ReportMessages {
  channel: string;
  sent: number;
  failed: number;
  /** Not delivered: outside the Zalo OA messaging window. */
  outOfReach: number;
  /** Still queued or being sent. */
  pending: number;
}

/** The annual report (plan V.1): every figure, in one typed object the renderers share. */
export interface AnnualReport {
  year: number;
  generatedAt: Date;
  province: string;
  /** null: the whole province (with a breakdown by agency); otherwise one agency. */
  agency: { id: string; name: string } | null;
  period: ReportPeriod;
  /** The minimum comment period in days (MIN_COMMENT_DAYS). */
  minCommentDays: number;
  /** The online channels present in the figures, in a fixed order. */
  channels: string[];
  totals: {
    drafts: number;
    open: number;
    closed: number;
    highImpact: number;
    fullPeriods: number;
    shortenedPeriods: number;
    online: OnlineFigures;
    offline: OfflineFigures;
    relays: Relays;
    handling: Handling;
  };
  drafts: ReportDraft[];
  agencies: ReportAgency[];
  messages: ReportMessages[];
  communes: ReportCommune[];
}

export interface AnnualReportInput {
  year: number;
  /** One agency's report; null: the province. */
  agencyId: string | null;
  /** REPORT_PERIOD_START (MM-DD). */
  periodStart: string;
  timeZone: string;
  province: string;
  minCommentDays: number;
  now: Date;
}

const CHANNEL_ORDER = ["telegram", "zalo-oa", "zalo-bot", "sim"];
const DAY = 86_400_000;
const online0 = (): OnlineFigures => ({ answers: 0, comments: 0, respondents: 0 });
const handling0 = (): Handling => ({ accepted: 0, explained: 0, pending: 0 });
const addOffline = (a: OfflineFigures, b: OfflineFigures): OfflineFigures => ({
  meetings: a.meetings + b.meetings, attendees: a.attendees + b.attendees, answers: a.answers + b.answers, comments: a.comments + b.comments,
});

interface DraftRowSql {
  id: string; code: string | null; title: string; agency_id: string; agency_name: string; status: string;
  published_at: string | Date; comment_opens_at: string | Date; comment_closes_at: string | Date; shortened_period_reason: string | null;
  high_impact: boolean; relays_sent: number; relays_confirmed: number;
  meetings: number; attendees: number; offline_answers: number; offline_comments: number;
}

async function draftRows(db: DbOrTx, src: ReturnType<typeof reportSources>) {
  return queryRows<DraftRowSql>(db, sql`${src}
    select d.id, d.code, d.title, d.agency_id, g.name as agency_name, d.status, d.published_at, d.comment_opens_at, d.comment_closes_at,
      d.shortened_period_reason,
      (d.requires_policy_proposal and d.affects_rights_and_obligations and d.sensitive_or_contested and d.province_wide) as high_impact,
      (select count(*) from relays r where r.draft_id = d.id)::int as relays_sent,
      (select count(*) from relays r where r.draft_id = d.id and r.confirmed_at is not null)::int as relays_confirmed,
      (select count(*) from offline_feedback o where o.draft_id = d.id)::int as meetings,
      (select coalesce(sum(o.attendees), 0) from offline_feedback o where o.draft_id = d.id)::int as attendees,
      (select coalesce(sum(x.n), 0) from ${offlineCountsSql(sql`o.draft_id = d.id`)} x)::int as offline_answers,
      (select coalesce(sum(o.comments), 0) from offline_feedback o where o.draft_id = d.id)::int as offline_comments
    from drafts d join sd on sd.id = d.id join agencies g on g.id = d.agency_id
    order by d.published_at, d.title`);
}

/** One row of the online figures; `g` tells the grouping: 2 (draft, channel), 3 draft, 4 (commune, channel), 5 commune, 7 all. */
interface OnlineRow {
  g: number;
  draft_id: string | null;
  unit_code: string | null;
  channel: string | null;
  answers: number;
  comments: number;
  respondents: number;
  accepted: number;
  explained: number;
  pending: number;
}

/**
 * Every online figure in one pass: answers and comments are first reduced to one row per (draft,
 * recorded commune, channel, person) — a hash aggregate on plain columns — then given their commune
 * and counted per draft and per commune, each with and without the channel.
 */
async function onlineRows(db: DbOrTx, src: ReturnType<typeof reportSources>) {
  return queryRows<OnlineRow>(db, sql`${src},
    p0 as (
      select draft_id, unit_code, channel, subscriber_id, 1 as a, 0 as c, 0 as acc, 0 as expl, 0 as pend from ontime
      union all
      select draft_id, unit_code, channel, subscriber_id, 0, 1, (handling = 'accepted')::int, (handling = 'explained')::int, (handling = 'pending')::int from com
    ),
    p1 as (
      select draft_id, unit_code, channel, subscriber_id, sum(a) as a, sum(c) as c, sum(acc) as acc, sum(expl) as expl, sum(pend) as pend
      from p0 group by 1, 2, 3, 4
    ),
    p as (select draft_id, ${resolvedUnit("p1")} as unit_code, channel, subscriber_id, a, c, acc, expl, pend from p1)
    select grouping(draft_id, unit_code, channel)::int as g, draft_id::text, unit_code, channel,
      sum(a)::int as answers, sum(c)::int as comments, count(distinct subscriber_id)::int as respondents,
      sum(acc)::int as accepted, sum(expl)::int as explained, sum(pend)::int as pending
    from p group by grouping sets ((draft_id, channel), (draft_id), (unit_code, channel), (unit_code), ())`);
}

function fold(rows: OnlineRow[], key: "draft_id" | "unit_code", byChannel: number, total: number) {
  const out = new Map<string, { online: OnlineFigures; byChannel: Record<string, OnlineFigures>; handling: Handling }>();
  const entry = (k: string) => out.get(k) ?? out.set(k, { online: online0(), byChannel: {}, handling: handling0() }).get(k)!;
  for (const r of rows) {
    const k = r[key];
    if (k === null) continue;
    const figures = { answers: r.answers, comments: r.comments, respondents: r.respondents };
    if (r.g === byChannel && r.channel !== null) entry(k).byChannel[r.channel] = figures;
    if (r.g === total) Object.assign(entry(k), { online: figures, handling: { accepted: r.accepted, explained: r.explained, pending: r.pending } });
  }
  return out;
}

async function communeRows(db: DbOrTx, input: AnnualReportInput, period: ReportPeriod) {
  const inScope = sql`o.draft_id in (select d.id from drafts d where d.published_at >= ${ts(period.fromAt)} and d.published_at < ${ts(period.untilAt)}
    and d.status in ('scheduled', 'open', 'closed') and (${input.agencyId}::uuid is null or d.agency_id = ${input.agencyId}::uuid))`;
  const units = await queryRows<{ code: string; name: string }>(db, sql`select code, name from admin_units`);
  const subs = await queryRows<{ unit_code: string; channel: string; n: number }>(db, sql`
    select s.unit_code, r.channel, count(distinct s.subscriber_id)::int as n
    from subscriptions s join subscribers r on r.id = s.subscriber_id
    where s.role = 'resident' and r.status = 'active' group by 1, 2`);
  const offline = await queryRows<OfflineFigures & { unit_code: string }>(db, sql`
    with f as (
      select o.unit_code, count(*)::int as meetings, sum(o.attendees)::int as attendees, sum(o.comments)::int as comments
      from offline_feedback o where ${inScope} group by 1
    ),
    x as (select unit_code, sum(n)::int as n from ${offlineCountsSql(inScope)} x group by 1)
    select f.unit_code, f.meetings, f.attendees, f.comments, coalesce(x.n, 0)::int as answers
    from f left join x on x.unit_code = f.unit_code`);
  const relays = await queryRows<Relays & { unit_code: string }>(db, sql`
    select o.unit_code, count(*)::int as sent, count(o.confirmed_at)::int as confirmed
    from relays o where o.unit_code is not null and ${inScope} group by 1`);
  return { units, subs, offline, relays };
}

async function messageRows(db: DbOrTx, src: ReturnType<typeof reportSources>) {
  return queryRows<ReportMessages>(db, sql`${src}
    select x.channel,
      count(*) filter (where x.state = 'sent')::int as sent,
      count(*) filter (where x.state = 'failed')::int as failed,
      count(*) filter (where x.state = 'outside_window')::int as "outOfReach",
      count(*) filter (where x.state in ('queued', 'sending'))::int as pending
    from deliveries x join broadcasts b on b.id = x.broadcast_id join sd on sd.id = b.draft_id
    group by 1`);
}

const byChannelOrder = (a: string, b: string) =>
  (CHANNEL_ORDER.indexOf(a) + 1 || 99) - (CHANNEL_ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b);
const dateOf = (v: string | Date) => (v instanceof Date ? v : new Date(v));

/**
 * Build the annual report of `year` with a handful of aggregate queries (nothing per answer reaches
 * JavaScript): drafts published in the period, per-draft and per-commune figures online (per channel)
 * and offline, messages per channel, subscribers per commune, relays and comment handling.
 */
export async function annualReport(db: DbOrTx, input: AnnualReportInput): Promise<AnnualReport> {
  // One transaction: the queries see the same data. JIT off: these few big aggregates are estimated
  // costly enough to be JIT-compiled with optimisation, which costs more than it saves. More work
  // memory: the per-person reduction of a million answers is hashed or sorted in memory, not on disk.
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local jit = off`);
    await tx.execute(sql`set local work_mem = '128MB'`);
    return buildReport(tx, input);
  });
}

async function buildReport(db: DbOrTx, input: AnnualReportInput): Promise<AnnualReport> {
  const period = reportPeriod(input.year, input.periodStart, input.now, input.timeZone);
  const src = reportSources(period.fromAt, period.untilAt, input.agencyId);
  const rows = await draftRows(db, src);
  const online = await onlineRows(db, src);
  const messages = await messageRows(db, src);
  const c = await communeRows(db, input, period);
  const draftOnline = fold(online, "draft_id", 2, 3);
  const unitOnline = fold(online, "unit_code", 4, 5);
  const all = online.find((r) => r.g === 7);

  const drafts: ReportDraft[] = rows.map((r) => {
    const opens = dateOf(r.comment_opens_at);
    const closes = dateOf(r.comment_closes_at);
    const o = draftOnline.get(r.id);
    return {
      id: r.id, code: r.code, title: r.title, agencyId: r.agency_id, agencyName: r.agency_name, status: r.status,
      publishedAt: dateOf(r.published_at), commentOpensAt: opens, commentClosesAt: closes,
      periodDays: Math.round((closes.getTime() - opens.getTime()) / DAY),
      shortenedPeriodReason: r.shortened_period_reason,
      highImpact: r.high_impact,
      online: o?.online ?? online0(),
      byChannel: o?.byChannel ?? {},
      offline: { meetings: r.meetings, attendees: r.attendees, answers: r.offline_answers, comments: r.offline_comments },
      relays: { sent: r.relays_sent, confirmed: r.relays_confirmed },
      handling: o?.handling ?? handling0(),
    };
  });

  const agencies = new Map<string, ReportAgency>();
  for (const d of drafts) {
    const a = agencies.get(d.agencyId) ?? { id: d.agencyId, name: d.agencyName, drafts: 0, highImpact: 0, online: online0(), offline: noOffline(), handling: handling0() };
    a.drafts++;
    if (d.highImpact) a.highImpact++;
    a.online = { answers: a.online.answers + d.online.answers, comments: a.online.comments + d.online.comments, respondents: a.online.respondents + d.online.respondents };
    a.offline = addOffline(a.offline, d.offline);
    a.handling = { accepted: a.handling.accepted + d.handling.accepted, explained: a.handling.explained + d.handling.explained, pending: a.handling.pending + d.handling.pending };
    agencies.set(d.agencyId, a);
  }

  const subs = new Map<string, Record<string, number>>();
  for (const s of c.subs) (subs.get(s.unit_code) ?? subs.set(s.unit_code, {}).get(s.unit_code)!)[s.channel] = s.n;
  const unitOffline = new Map(c.offline.map(({ unit_code, ...f }) => [unit_code, f]));
  const unitRelays = new Map(c.relays.map(({ unit_code, ...r }) => [unit_code, r]));
  const communes: ReportCommune[] = c.units
    .map((u) => {
      const s = subs.get(u.code) ?? {};
      const o = unitOnline.get(u.code);
      return {
        code: u.code, name: u.name, subscribers: s, subscribersTotal: Object.values(s).reduce((a, n) => a + n, 0),
        online: o?.online ?? online0(), byChannel: o?.byChannel ?? {},
        offline: unitOffline.get(u.code) ?? noOffline(), relays: unitRelays.get(u.code) ?? { sent: 0, confirmed: 0 },
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name, "vi"));

  const channels = [...new Set([...online.flatMap((r) => (r.channel ? [r.channel] : [])), ...messages.map((m) => m.channel), ...c.subs.map((s) => s.channel)])].sort(byChannelOrder);
  const sum = <T>(xs: T[], f: (x: T) => number) => xs.reduce((a, x) => a + f(x), 0);
  let agencyName: { id: string; name: string } | null = null;
  if (input.agencyId) {
    const [g] = await queryRows<{ id: string; name: string }>(db, sql`select id, name from agencies where id = ${input.agencyId}::uuid`);
    agencyName = g ?? null;
  }
  return {
    year: input.year,
    generatedAt: input.now,
    province: input.province,
    agency: agencyName,
    period,
    minCommentDays: input.minCommentDays,
    channels,
    totals: {
      drafts: drafts.length,
      open: drafts.filter((d) => d.status === "open" || d.status === "scheduled").length,
      closed: drafts.filter((d) => d.status === "closed").length,
      highImpact: drafts.filter((d) => d.highImpact).length,
      fullPeriods: drafts.filter((d) => d.periodDays >= input.minCommentDays).length,
      shortenedPeriods: drafts.filter((d) => d.periodDays < input.minCommentDays).length,
      online: { answers: sum(drafts, (d) => d.online.answers), comments: sum(drafts, (d) => d.online.comments), respondents: all?.respondents ?? 0 },
      offline: drafts.reduce((a, d) => addOffline(a, d.offline), noOffline()),
      relays: { sent: sum(drafts, (d) => d.relays.sent), confirmed: sum(drafts, (d) => d.relays.confirmed) },
      handling: { accepted: sum(drafts, (d) => d.handling.accepted), explained: sum(drafts, (d) => d.handling.explained), pending: sum(drafts, (d) => d.handling.pending) },
    },
    drafts,
    agencies: [...agencies.values()].sort((a, b) => a.name.localeCompare(b.name, "vi")),
    messages: messages.sort((a, b) => byChannelOrder(a.channel, b.channel)),
    communes,
  };
}
