import type { PGlite } from "@electric-sql/pglite";

/**
 * The PGlite calls that take a turn: those that run statements (a transaction is one turn for all its
 * statements), and closing, which so waits for every call queued before it.
 */
const CALLS_IN_TURN = new Set<PropertyKey>(["query", "exec", "transaction", "close"]);

/**
 * PGlite with its statements taking turns with the rest of the service.
 *
 * PGlite runs every statement synchronously on the service's own thread, and hands its lock from one
 * waiting statement to the next inside the same run of promise callbacks: under load, one such run executed
 * every statement queued, and Node reads sockets and accepts connections only between runs. Measured (the
 * inbound benchmark, 64 connections opened at once): the service then accepted those connections one by
 * one over about ten seconds, and each connection's first request waited up to 10 s. Here calls are queued
 * in arrival order and each starts after a turn of the event loop (`setImmediate`), so sockets are served
 * between any two statements. A transaction is one call; the statements inside it go straight to PGlite.
 */
export function takingTurns(client: PGlite): PGlite {
  /** The last call queued, settled (never rejects). */
  let tail: Promise<unknown> = Promise.resolve();
  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

  function inTurn<A extends unknown[], R>(call: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return (...args) => {
      const run = tail.then(nextTurn).then(() => call.apply(client, args));
      tail = run.catch(() => undefined);
      return run;
    };
  }

  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(client, {
    get(target, prop) {
      // PGlite keeps its state in private fields: its own methods must run with the instance itself as `this`.
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      if (!wrapped.has(prop)) {
        const method = value as (...args: unknown[]) => Promise<unknown>;
        wrapped.set(prop, CALLS_IN_TURN.has(prop) ? inTurn(method) : method.bind(target));
      }
      return wrapped.get(prop);
    },
  });
}
