/**
 * npm run bench (part 2) — inbound webhooks (targets in docs/architecture.md, "Tests": ≥ 1,500/s sustained, p99 ≤ 100 ms, PostgreSQL).
 *
 * The real service runs in a child process as `npm start` runs it (built, with its node flags) in Telegram webhook mode against a local fake
 * Bot API; autocannon posts button presses (a choice of an open draft's question) from 5,000 consenting
 * residents, each with a new update_id, to POST /webhooks/telegram. Every request stores an answer and
 * queues a reply (sent by the service's worker to the fake). After the run the database is checked: one
 * stored answer history row per accepted request.
 *
 * `target: "reference"` runs bench/inbound-reference.ts instead: the same work on node:http and pg with no
 * framework, against a database prepared the same way, under the same autocannon load.
 */
import { execSync, spawn } from "node:child_process";
import { compiledBench } from "./build.js";
import { appendFileSync } from "node:fs";
import autocannon from "autocannon";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "../src/db/client.js";
import { createLogger } from "../src/logger.js";
import { encodeAction } from "../src/messages/actions.js";
import { startFakeTelegramApi } from "../test/fakes/telegram-api.js";
import { createDatabaseRef, migrateWithUnits, openDatabaseRef } from "./db.js";
import { startScript } from "../test/support/processes.js";

const TOKEN = "123456:bench_token_bench_token_bench";
const SECRET = "bench-webhook-secret-0123456789";
const RESIDENTS = 5_000;

export type InboundTarget = "service" | "reference";

export interface InboundResult {
  target: InboundTarget;
  database: "postgres" | "pglite";
  durationS: number;
  connections: number;
  requests: number;
  non2xx: number;
  errors: number;
  perSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  answersStored: number;
  repliesQueuedOrSent: number;
}

async function seed(database: Database): Promise<{ questionId: string }> {
  const db = database.db;
  const [agency] = await queryRows<{ id: string }>(db, sql`insert into agencies (name, name_key) values ('Sở Tư pháp', 'so tu phap') returning id`);
  const [draft] = await queryRows<{ id: string }>(db, sql`
    insert into drafts (title, agency_id, requires_policy_proposal, affects_rights_and_obligations, sensitive_or_contested,
      province_wide, summary_necessity, summary_main_content, summary_rights_changes, full_text_url, comment_opens_at,
      comment_closes_at, target_all, status, published_at, created_by)
    values ('Dự thảo đo tải', ${agency!.id}, true, true, true, true, 'a', 'b', 'c', 'https://example.invalid/d.pdf',
      now() - interval '1 day', now() + interval '40 days', true, 'open', now(), 'bench') returning id`);
  const [q] = await queryRows<{ id: string }>(db, sql`
    insert into questions (draft_id, position, text, choices, allow_comment)
    values (${draft!.id}, 0, 'Bạn có đồng ý?', array['Đồng ý','Không đồng ý'], true) returning id`);
  await db.execute(sql`
    insert into subscribers (channel, external_id, status, consent_at, last_interaction_at)
    select 'telegram', (1000000 + g)::text, 'active', now(), now() from generate_series(1, ${RESIDENTS}) g`);
  await db.execute(sql`
    insert into subscriptions (subscriber_id, unit_code, role)
    select id, '05977', 'resident' from subscribers`);
  return { questionId: q!.id };
}

/** A migrated, seeded database the service child then opens (PGlite: closed here first, one process at a time). */
async function prepareDatabase(logger: ReturnType<typeof createLogger>) {
  const ref = await createDatabaseRef();
  const database = await openDatabaseRef(ref, logger);
  await migrateWithUnits(database);
  const seeded = await seed(database);
  await database.close();
  return {
    kind: ref.url ? ("postgres" as const) : ("pglite" as const),
    env: (ref.url ? { DATABASE_URL: ref.url } : { DATA_DIR: ref.dataDir! }) as Record<string, string>,
    seeded,
    reopen: () => openDatabaseRef(ref, logger),
    cleanup: () => ref.drop(),
  };
}

/** The node arguments and variables of the service child: gopy as `npm start` runs it (built, its node flags and variables), or the reference, compiled too. */
function serviceArgs(target: InboundTarget, env: Record<string, string>): { args: string[]; env: Record<string, string> } {
  if (target === "reference") return { args: [compiledBench("bench/inbound-reference")], env: {} };
  const script = startScript();
  execSync(script.build, { stdio: "inherit" });
  const { args, vars } = script.command(env);
  return { args, env: vars };
}

async function startService(env: Record<string, string>, { args, env: scriptEnv }: { args: string[]; env: Record<string, string> }): Promise<{ url: string; stop: () => Promise<void> }> {
  // BENCH_INBOUND_NODE_ARGS: extra node flags for the service child, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const extra = (process.env.BENCH_INBOUND_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...extra, ...args], {
    env: { ...process.env, ...env, ...scriptEnv, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", NODE_ENV: "production", API_RATE_LIMIT_PER_KEY_PER_MINUTE: "1000000" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  // BENCH_INBOUND_CHILD_LOG=<file>: keep the service's log there (it is otherwise shown only if the service fails).
  const logFile = process.env.BENCH_INBOUND_CHILD_LOG;
  if (logFile) {
    child.stdout.on("data", (c: Buffer) => appendFileSync(logFile, c));
    child.stderr.on("data", (c: Buffer) => appendFileSync(logFile, c));
  }
  child.stderr.on("data", (c: Buffer) => (out += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`service exited ${code}: ${out.slice(-2000)}`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export async function benchInbound(opts: { durationS?: number; connections?: number; target?: InboundTarget } = {}): Promise<InboundResult> {
  const target = opts.target ?? "service";
  const logger = createLogger({ level: "error", json: false });
  const durationS = opts.durationS ?? 15;
  const connections = opts.connections ?? 64;
  const fake = await startFakeTelegramApi({});
  const prepared = await prepareDatabase(logger);
  const service =
    target === "reference"
      ? await startService({ ...prepared.env, WEBHOOK_SECRET: SECRET }, serviceArgs(target, prepared.env))
      : await startService({
          ...prepared.env,
          TELEGRAM_BOT_TOKEN: TOKEN,
          TELEGRAM_MODE: "webhook",
          TELEGRAM_WEBHOOK_SECRET: SECRET,
          TELEGRAM_API_ROOT: fake.url,
          // The replies are sent meanwhile at Telegram's own limit (the product's default, 30/s), as deployed;
          // the reference queues its replies and sends none. BENCH_INBOUND_TELEGRAM_RATE=1000 makes the
          // service send every reply during the run as well.
          ...(process.env.BENCH_INBOUND_TELEGRAM_RATE ? { TELEGRAM_RATE_LIMIT_PER_SECOND: process.env.BENCH_INBOUND_TELEGRAM_RATE } : {}),
        }, serviceArgs(target, prepared.env));
  let updateId = 1;
  const actions = [0, 1].map((i) => encodeAction({ type: "choice", questionId: prepared.seeded.questionId, index: i }));
  try {
    const result = await autocannon({
      url: `${service.url}/webhooks/telegram`,
      method: "POST",
      connections,
      duration: durationS,
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
      requests: [
        {
          setupRequest: (req) => {
            const id = updateId++;
            const user = 1_000_001 + (id % RESIDENTS);
            req.body = JSON.stringify({
              update_id: id,
              callback_query: {
                id: String(id),
                from: { id: user, is_bot: false, first_name: "Dân" },
                message: { message_id: id, chat: { id: user, type: "private" }, date: Math.floor(Date.now() / 1000), text: "?" },
                chat_instance: "1",
                // Each pass over the residents flips their choice: every press changes the answer (stored, reply queued).
                data: actions[Math.floor(id / RESIDENTS) % 2],
              },
            });
            return req;
          },
        },
      ],
    });
    await service.stop();
    const db = await prepared.reopen();
    const [counts] = await queryRows<{ answers: number; replies: number }>(db.db, sql`
      select (select count(*)::int from answer_history) as answers,
             (select count(*)::int from deliveries where kind = 'reply') as replies`);
    await db.close();
    const ok = result.requests.total - result.non2xx - result.errors;
    return {
      target,
      database: prepared.kind,
      durationS,
      connections,
      requests: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
      perSecond: Math.round(ok / durationS),
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      latencyMaxMs: result.latency.max,
      answersStored: counts!.answers,
      repliesQueuedOrSent: counts!.replies,
    };
  } finally {
    await fake.close();
    await prepared.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchInbound({ durationS: Number(process.env.BENCH_INBOUND_SECONDS ?? 15), target: process.env.BENCH_INBOUND_TARGET === "reference" ? "reference" : "service" });
  console.log(JSON.stringify(r, null, 2));
}
