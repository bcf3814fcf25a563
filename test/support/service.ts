import { loadConfig, type Config } from "../../src/config.js";
import { createApiKey } from "../../src/domain/api-keys.js";
import type { ApiRole } from "../../src/db/schema/index.js";
import { startService, type Service } from "../../src/service.js";
import { createTestDatabase, quietLogger, type DatabaseKind } from "./database.js";
import { watchResidentText, watchSecret, watchSecretsIn } from "./log-watch.js";

/** A test-side view of an HTTP answer; `body` is the parsed JSON, if any. */
export interface ApiResponse {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON bodies
  body: any;
  text: string;
}

export interface TestService extends Service {
  /** fetch against the service, JSON in and out. */
  api(method: string, path: string, opts?: { key?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<ApiResponse>;
  createKey(role: ApiRole, agency?: string): Promise<string>;
}

/** Start the real service on a random port over a fresh test database. */
export async function startTestService(kind: DatabaseKind = "pglite", env: Record<string, string> = {}): Promise<TestService> {
  // The secrets this service is given must never reach its log (log-watch.ts).
  watchSecretsIn(env);
  const logger = quietLogger();
  const database = await createTestDatabase(kind, logger);
  // No quiet hours unless a test asks for them: what a test sends must not depend on the hour it runs at.
  const config: Config = loadConfig({ NODE_ENV: "test", PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "error", QUIET_HOURS: "00:00-00:00", ...env });
  const service = await startService({ config, logger, database, skipUnits: true });
  return {
    ...service,
    async api(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.key) headers.authorization = `Bearer ${opts.key}`;
      let body: string | undefined;
      if (opts.rawBody !== undefined) body = opts.rawBody;
      else if (opts.body !== undefined) body = JSON.stringify(opts.body);
      // A simulated resident's message: never in the log.
      if (path.startsWith("/sim/messages")) watchResidentText((opts.body as { text?: unknown } | undefined)?.text as string | undefined);
      if (body !== undefined) headers["content-type"] ??= "application/json";
      const res = await fetch(service.url + path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, headers: res.headers, body: parsed, text };
    },
    async createKey(role, agency) {
      const k = await createApiKey(service.database.db, { role, agency, name: `test ${role}` });
      watchSecret(k.key);
      return k.key;
    },
  };
}
