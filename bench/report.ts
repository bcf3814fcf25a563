/**
 * The annual report over 1,000,000 answers and 100,000 subscribers (npm run bench -- report; also part of
 * npm run bench). Run as a child process of bench/run.ts so that its peak RSS is its own:
 *
 *   seed (set-based, generate_series in SQL): 100,000 active subscribers over every commune and three
 *   channels; 4 agencies, 20 drafts published this year with 5 questions each; 1,000,000 answers (each
 *   draft answered by 10,000 people, every question) with as many history rows; 50,000 comments; offline
 *   meetings, relays and 100,000 deliveries;
 *
 *   then time the province report as JSON (build + serialise), XLSX and DOCX, sampling RSS every 20 ms.
 *
 * Prints one JSON line. Targets: JSON ≤ 3 s, XLSX and DOCX ≤ 10 s.
 */
import { sql } from "drizzle-orm";
import { annualReport } from "../src/domain/report/annual.js";
import { createLogger } from "../src/logger.js";
import { reportDocx } from "../src/report/docx.js";
import { reportXlsx } from "../src/report/xlsx.js";
import { freshDatabase } from "./db.js";
import { compiledBench } from "./build.js";
import { queryRows, type Database } from "../src/db/client.js";

const SUBSCRIBERS = Number(process.env.REPORT_SUBSCRIBERS ?? 100_000);
const DRAFTS = 20;
const QUESTIONS = 5;
/** Each draft is answered by SUBSCRIBERS / 10 people: 20 × 5 × 10,000 = 1,000,000 answers. */
const TZ = "Asia/Ho_Chi_Minh";
const mb = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;

export async function seed(database: Database, year: number): Promise<void> {
  const db = database.db;
  const jan = `${year}-01-10T00:00:00Z`;
  await db.execute(sql`
    insert into subscribers (id, channel, external_id, status, consent_at)
    select gen_random_uuid(), (array['telegram','zalo-oa','zalo-bot'])[1 + i % 3], 'bench-' || i, 'active', now()
    from generate_series(1, ${SUBSCRIBERS}) i`);
  await db.execute(sql`
    create temp table bench_subs as
    select s.id, row_number() over (order by s.external_id) as n, s.channel from subscribers s`);
  await db.execute(sql`
    insert into subscriptions (subscriber_id, unit_code, role)
    select b.id, u.code, 'resident' from bench_subs b
    join (select code, row_number() over (order by code) - 1 as k, count(*) over () as c from admin_units) u on u.k = b.n % u.c`);
  await db.execute(sql`
    insert into agencies (name, name_key) select 'Sở bench ' || i, 'so bench ' || i from generate_series(1, 4) i`);
  await db.execute(sql`
    insert into drafts (title, agency_id, requires_policy_proposal, affects_rights_and_obligations, sensitive_or_contested, province_wide,
      summary_necessity, summary_main_content, summary_rights_changes, full_text_url, comment_opens_at, comment_closes_at,
      target_all, status, published_at, closed_at, shortened_period_reason, created_by)
    select 'Dự thảo số ' || i, (select id from agencies where name = 'Sở bench ' || (1 + i % 4)), true, true, i % 2 = 0, i % 3 = 0,
      'n', 'm', 'r', 'https://example.gov.vn/' || i, ${jan}::timestamptz + (i || ' days')::interval,
      ${jan}::timestamptz + (i || ' days')::interval + ((case when i % 5 = 0 then 20 else 30 end) || ' days')::interval,
      true, 'closed', ${jan}::timestamptz + (i || ' days')::interval, null, case when i % 5 = 0 then 'Khẩn cấp' end, 'bench'
    from generate_series(1, ${DRAFTS}) i`);
  await db.execute(sql`
    create temp table bench_drafts as select id, row_number() over (order by title) - 1 as k, comment_opens_at from drafts where created_by = 'bench'`);
  await db.execute(sql`
    insert into questions (draft_id, position, text, choices)
    select d.id, p, 'Câu hỏi ' || p, array['Đồng ý','Không đồng ý','Ý kiến khác'] from bench_drafts d, generate_series(1, ${QUESTIONS}) p`);
  await db.execute(sql`
    insert into answers (question_id, subscriber_id, draft_id, choice_index, unit_code, channel, created_at, updated_at)
    select q.id, s.id, q.draft_id, (s.n + q.position) % 3, null, s.channel, d.comment_opens_at + interval '1 day', d.comment_opens_at + interval '1 day'
    from bench_drafts d join questions q on q.draft_id = d.id join bench_subs s on s.n % 10 = d.k % 10`);
  await db.execute(sql`
    update answers a set unit_code = s.unit_code from subscriptions s where s.subscriber_id = a.subscriber_id`);
  await db.execute(sql`
    insert into answer_history (question_id, subscriber_id, draft_id, choice_index, unit_code, channel, at)
    select question_id, subscriber_id, draft_id, choice_index, unit_code, channel, updated_at from answers`);
  await db.execute(sql`
    insert into comments (draft_id, subscriber_id, unit_code, channel, text, handling, created_at)
    select d.id, s.id, sc.unit_code, s.channel, 'Góp ý ' || s.n, (array['pending','accepted','explained'])[1 + s.n % 3], d.comment_opens_at + interval '2 days'
    from bench_drafts d join bench_subs s on s.n % 40 = d.k join subscriptions sc on sc.subscriber_id = s.id`);
  await db.execute(sql`
    insert into broadcasts (id, draft_id, kind, created_by) select gen_random_uuid(), id, 'announcement', 'bench' from bench_drafts`);
  await db.execute(sql`
    insert into deliveries (broadcast_id, subscriber_id, channel, kind, message, state)
    select b.id, s.id, s.channel, 'announcement', '{"text":"x"}'::jsonb, (array['sent','sent','sent','failed','outside_window'])[1 + s.n % 5]
    from broadcasts b join bench_drafts d on d.id = b.draft_id join bench_subs s on s.n % 20 = d.k`);
  await db.execute(sql`
    insert into relays (draft_id, subscriber_id, unit_code, sent_at, confirmed_at)
    select d.id, s.id, sc.unit_code, d.comment_opens_at, case when s.n % 2 = 0 then d.comment_opens_at + interval '1 day' end
    from bench_drafts d join bench_subs s on s.n between 1 and 60 join subscriptions sc on sc.subscriber_id = s.id`);
  await db.execute(sql`
    insert into offline_feedback (draft_id, unit_code, meeting_date, attendees, counts, comments, entered_by)
    select d.id, u.code, (d.comment_opens_at + interval '3 days')::date, 60,
      (select jsonb_agg(jsonb_build_object('questionId', q.id, 'counts', jsonb_build_array(30, 20, 10))) from questions q where q.draft_id = d.id),
      5, 'bench'
    from bench_drafts d cross join (select code from admin_units order by code limit 10) u`);
  await db.execute(sql`analyze`);
}

async function main() {
  const logger = createLogger({ level: "error", json: true });
  const database = await freshDatabase(logger);
  const year = new Date().getUTCFullYear();
  try {
    const t0 = performance.now();
    await seed(database, year);
    const seedSeconds = (performance.now() - t0) / 1000;
    const [count] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from answers`);
    const answers = count?.n ?? 0;

    const startRss = process.memoryUsage().rss;
    let peak = startRss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const input = { year, agencyId: null, periodStart: "01-01", timeZone: TZ, province: "Lạng Sơn", minCommentDays: 30, now: new Date() };
    const time = async <T>(f: () => Promise<T>) => {
      const s = performance.now();
      const v = await f();
      return { v, seconds: (performance.now() - s) / 1000 };
    };
    const json = await time(async () => JSON.stringify(await annualReport(database.db, input)));
    const xlsx = await time(async () => reportXlsx(await annualReport(database.db, input), { locale: "vi", timeZone: TZ }));
    const docx = await time(async () => reportDocx(await annualReport(database.db, input), { locale: "vi", timeZone: TZ }));
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    console.log(JSON.stringify({
      subscribers: SUBSCRIBERS, answers, drafts: DRAFTS, seedSeconds,
      jsonSeconds: json.seconds, jsonBytes: json.v.length,
      xlsxSeconds: xlsx.seconds, xlsxBytes: xlsx.v.length,
      docxSeconds: docx.seconds, docxBytes: docx.v.length,
      rssBeforeMb: mb(startRss), peakRssMb: mb(peak),
    }));
  } finally {
    await database.close();
  }
}

/** Run this file, compiled, in a child process (its peak RSS is then its own) and return its figures. */
export async function benchReport(): Promise<ReportBench> {
  const { spawn } = await import("node:child_process");
  const child = spawn(process.execPath, [compiledBench("bench/report")], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((r) => child.on("exit", r));
  if (code !== 0) throw new Error(`report bench exited ${code}`);
  return JSON.parse(out.trim().split("\n").pop()!) as ReportBench;
}

export interface ReportBench {
  subscribers: number; answers: number; drafts: number; seedSeconds: number;
  jsonSeconds: number; xlsxSeconds: number; docxSeconds: number; rssBeforeMb: number; peakRssMb: number;
}

/** The figures as table rows (what, measured, target, ok), as bench/run.ts prints them. */
export function reportBenchRows(r: ReportBench) {
  const s = (x: number) => `${x.toFixed(2)} s`;
  const n = `${r.answers.toLocaleString("en")} answers, ${r.subscribers.toLocaleString("en")} subscribers`;
  return [
    { what: `annual report JSON (${n})`, value: s(r.jsonSeconds), target: "≤ 3 s", ok: r.jsonSeconds <= 3 },
    { what: "annual report XLSX", value: s(r.xlsxSeconds), target: "≤ 10 s", ok: r.xlsxSeconds <= 10 },
    { what: "annual report DOCX (with chart)", value: s(r.docxSeconds), target: "≤ 10 s", ok: r.docxSeconds <= 10 },
    { what: "annual report peak RSS", value: `${r.peakRssMb} MB (before: ${r.rssBeforeMb} MB; seeding took ${r.seedSeconds.toFixed(0)} s)`, target: "— (reported)", ok: true },
  ];
}

if (/bench\/report\.[jt]s$/.test(process.argv[1] ?? "")) await main();
