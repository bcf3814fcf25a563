import { afterAll, beforeAll } from "vitest";
import type { Database } from "../../src/db/client.js";
import type { ApiRole } from "../../src/db/schema/index.js";
import { createTestDatabase, quietLogger, type DatabaseKind } from "./database.js";
import { pgliteDataDirTemplate } from "./processes.js";
import type { OutboundMessage } from "../../src/channels/message.js";
import { createResidentTurns } from "../../src/domain/residents/turns.js";
import { createInboundProcessor } from "../../handlers/inbound.js";
import { startTestService, type TestService } from "./service.js";

/**
 * The value a suite opens in beforeAll and closes in afterAll, usable as if it were there from the start
 * (a property read before beforeAll ran is a mistake in the test, said so).
 */
function forTheSuite<T extends object>(open: () => Promise<T>, close: (value: T) => Promise<void>, what: string): T {
  let current: T | undefined;
  beforeAll(async () => {
    current = await open();
  });
  afterAll(async () => {
    if (current) await close(current);
  });
  return new Proxy({} as T, {
    get(_target, prop) {
      if (!current) throw new Error(`the suite's ${what} opens in beforeAll: read it inside a test or hook`);
      const value: unknown = Reflect.get(current, prop);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(current) : value;
    },
  });
}

/** A fresh test database for the suite (opened before its tests, closed after). */
export function useTestDatabase(kind: DatabaseKind): Database {
  return forTheSuite(() => createTestDatabase(kind), (d) => d.close(), "database");
}

/** The real service on a fresh test database for the suite (started before its tests, stopped after). */
export function useTestService(kind: DatabaseKind, env: Record<string, string> = {}): TestService {
  return forTheSuite(() => startTestService(kind, env), (s) => s.stop(), "service");
}

/**
 * A migrated, empty database for the suite's CLI and service processes, given as the environment that
 * names it: DATA_DIR (a copy of a PGlite data directory) or DATABASE_URL (a fresh PostgreSQL database).
 * A plain object, filled in beforeAll (spread or pass it inside tests and hooks); removed after the suite,
 * once the suite's own afterAll (e.g. stopping a service on it) has run.
 */
export function useProcessDatabase(kind: DatabaseKind): Record<string, string> {
  const env: Record<string, string> = {};
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    if (kind === "pglite") {
      const tpl = await pgliteDataDirTemplate();
      env.DATA_DIR = await tpl.copy();
      cleanup = () => tpl.dispose();
    } else {
      const db = await createTestDatabase("postgres");
      env.DATABASE_URL = db.url!;
      cleanup = () => db.close(); // drops the cloned database
    }
  }, 120_000);
  afterAll(async () => {
    await cleanup?.();
  });
  return env;
}

/** An API key a suite makes: its role and, for a drafter or viewer, its agency (by name). */
export type KeyOf = readonly [role: ApiRole, agency?: string];

/**
 * The suite's API keys, made in beforeAll (in the order given, after the hooks registered before this
 * call, e.g. a seed naming the agencies first), read by name in the tests: `keys.drafter`.
 */
export function useApiKeys<K extends string>(svc: TestService, roles: Record<K, KeyOf>): Record<K, string> {
  const keys = {} as Record<K, string>;
  beforeAll(async () => {
    for (const [name, [role, agency]] of Object.entries(roles) as [K, KeyOf][]) keys[name] = await svc.createKey(role, agency);
  });
  return keys;
}

/** The real service on a fresh test database for the suite, and its API keys (useTestService, useApiKeys). */
export function useApiService<K extends string>(kind: DatabaseKind, roles: Record<K, KeyOf>, env: Record<string, string> = {}) {
  const svc = useTestService(kind, env);
  return { svc, keys: useApiKeys(svc, roles) };
}

/** What a conversation suite watches: wake-ups of the sender, and the replies sent outside the outbox. */
export interface ConversationTraffic {
  kicks: number;
  direct: { externalId: string; message: OutboundMessage }[];
}

/**
 * The conversations on a fresh test database for the suite: the real inbound processor over the
 * residents' domain, its kicks counted and its direct sends (a consent decline's last reply) recorded.
 */
export function useConversations(kind: DatabaseKind, turns: Omit<Parameters<typeof createResidentTurns>[0], "db"> = {}) {
  const traffic: ConversationTraffic = { kicks: 0, direct: [] };
  const database = useTestDatabase(kind);
  const inbound = forTheSuite(
    () =>
      Promise.resolve(
        createInboundProcessor({
          turns: createResidentTurns({ db: database.db, ...turns }),
          logger: quietLogger(),
          kick: () => void traffic.kicks++,
          timeZone: "Asia/Ho_Chi_Minh",
          sendDirect: (_channel, to, message) => {
            traffic.direct.push({ externalId: to.externalId, message });
            return Promise.resolve();
          },
        }),
      ),
    () => Promise.resolve(),
    "conversations",
  );
  return { database, inbound, traffic };
}
