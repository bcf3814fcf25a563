import type { InboundEvent } from "./adapter.js";
import type { InboundSink } from "./dispatch.js";

/**
 * One person's events handled in arrival order, on every channel: a batch waits until every earlier
 * batch of the same people (channel + platform id) has settled; other people's run alongside. Needed
 * because Zalo OA is answered before its update is handled, so a person's messages sent back to back are
 * in flight together, and on PostgreSQL their transactions would otherwise commit in any order.
 * Within one process; the service wraps its inbound processor with it (src/service.ts).
 */
export function inArrivalOrder<S extends InboundSink>(sink: S): S {
  /** The last batch of each person, settled (never rejects). */
  const tails = new Map<string, Promise<void>>();
  const personOf = (e: InboundEvent) => `${e.channel}\u0000${e.externalId}`;
  const noop = () => undefined;

  function handle(events: InboundEvent[], log: Parameters<S["handle"]>[1]): ReturnType<S["handle"]> {
    const people = [...new Set(events.map(personOf))];
    const earlier = people.map((p) => tails.get(p)).filter((t): t is Promise<void> => t !== undefined);
    const run = (earlier.length ? Promise.all(earlier).then(() => sink.handle(events, log)) : sink.handle(events, log)) as ReturnType<S["handle"]>;
    const settled = run.then(noop, noop);
    for (const p of people) tails.set(p, settled);
    void settled.then(() => {
      for (const p of people) if (tails.get(p) === settled) tails.delete(p);
    });
    return run;
  }
  return { ...sink, handle };
}
