/**
 * The inbound reference for `npm run bench`: gopy's button-press work written directly on node:http and pg,
 * no framework — check the webhook secret, parse the update, ONE transaction (a single statement) that
 * records the update for de-duplication, touches the person, stores the answer (current answer and
 * history) and queues the reply, then answer 200. Same database schema as the service. On PGlite (no
 * server to connect to) the same statement runs through PGlite's own query call.
 *
 * Run as a child process by bench/inbound.ts: DATABASE_URL or DATA_DIR, WEBHOOK_SECRET; prints {"url": …}.
 */
import http from "node:http";
import { createHash, timingSafeEqual } from "node:crypto";
import path from "node:path";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { PGlite } from "@electric-sql/pglite";

type Query = (text: string, params: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

async function connect(): Promise<{ query: Query; close: () => Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
    return { query: (text, params) => pool.query({ text, values: params, name: "press" }), close: () => pool.end() };
  }
  const client = await PGlite.create({ dataDir: path.join(process.env.DATA_DIR!, "pg") });
  return { query: (text, params) => client.query(text, params), close: () => client.close() };
}

const PRESS = `
  with fresh as (
    insert into inbound_updates (channel, update_key) values ('telegram', $1) on conflict do nothing returning 1
  ), person as (
    update subscribers set last_interaction_at = now(), updated_at = now()
    where channel = 'telegram' and external_id = $2 and consent_at is not null and status = 'active' and exists (select 1 from fresh)
    returning id
  ), q as (
    select id, draft_id, choices[$4::int + 1] as label from questions where id = $3::uuid
  ), answer as (
    insert into answers (question_id, subscriber_id, draft_id, choice_index, unit_code, channel)
    select q.id, p.id, q.draft_id, $4::int, (select unit_code from subscriptions s where s.subscriber_id = p.id limit 1), 'telegram'
    from q, person p where q.label is not null
    on conflict (question_id, subscriber_id) do update
      set choice_index = excluded.choice_index, unit_code = excluded.unit_code, updated_at = now()
    returning question_id, subscriber_id, draft_id, unit_code
  ), history as (
    insert into answer_history (question_id, subscriber_id, draft_id, choice_index, unit_code, channel)
    select question_id, subscriber_id, draft_id, $4::int, unit_code, 'telegram' from answer
    returning 1
  ), reply as (
    insert into deliveries (subscriber_id, channel, kind, message, priority)
    select a.subscriber_id, 'telegram', 'reply', jsonb_build_object('text', 'Đã ghi nhận ý kiến: ' || q.label), 0
    from answer a, q
    returning 1
  )
  select (select count(*) from history)::int as stored`;

const CHOICE = /^choice:([0-9a-f-]{36}):(\d{1,2})$/i;
const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

const secret = digest(process.env.WEBHOOK_SECRET ?? "");
const db = await connect();

function send(res: http.ServerResponse, status: number, body = "{}") {
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

async function press(body: string): Promise<number> {
  let update: { update_id?: unknown; callback_query?: { from?: { id?: unknown }; data?: unknown } };
  try {
    update = JSON.parse(body) as typeof update;
  } catch {
    return 400;
  }
  const cq = update.callback_query;
  const m = typeof cq?.data === "string" ? CHOICE.exec(cq.data) : null;
  if (!m || typeof update.update_id !== "number" || typeof cq?.from?.id !== "number") return 200; // not a press: ignored
  const key = createHash("sha256").update(`tg:${update.update_id}`, "utf8").digest("base64url");
  await db.query(PRESS, [key, String(cq.from.id), m[1]!.toLowerCase(), Number(m[2])]);
  return 200;
}

const server = http.createServer((req, res) => {
  if (req.method !== "POST" || req.url !== "/webhooks/telegram") return send(res, 404);
  const given = req.headers["x-telegram-bot-api-secret-token"];
  if (typeof given !== "string" || !timingSafeEqual(digest(given), secret)) return send(res, 401);
  const chunks: Buffer[] = [];
  let size = 0;
  req.on("data", (c: Buffer) => {
    size += c.length;
    if (size > 64 * 1024) req.destroy();
    else chunks.push(c);
  });
  req.on("end", () => {
    press(Buffer.concat(chunks).toString("utf8")).then(
      (status) => send(res, status),
      () => send(res, 500),
    );
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
process.on("SIGTERM", () => {
  server.close();
  server.closeAllConnections();
  void db.close().then(() => process.exit(0));
});
