import { afterAll, beforeAll } from "vitest";
import type { Database } from "../../src/db/client.js";
import { createTestDatabase, type DatabaseKind } from "./database.js";
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
