import http from "node:http";
import type { AddressInfo } from "node:net";
import { readFile } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { takingTurns } from "../../src/db/pglite-turns.js";

describe("PGlite taking turns with the rest of the service", () => {
  let raw: PGlite;
  let db: PGlite;

  beforeEach(async () => {
    raw = await PGlite.create({ loadDataDir: new Blob([await readFile(inject("pgliteTemplate"))]) });
    db = takingTurns(raw);
  });
  afterEach(async () => {
    if (!raw.closed) await raw.close();
  });

  it("answers an HTTP request while hundreds of statements wait for the database", async () => {
    const server = http.createServer((_req, res) => res.end("ok"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const port = (server.address() as AddressInfo).port;
      let done = 0;
      const statements = Array.from({ length: 400 }, (_, i) =>
        db.query<{ n: number }>("select count(*)::int + $1::int as n from pg_class", [i]).then((r) => {
          done++;
          return r.rows[0]!.n;
        }),
      );
      const answered = await new Promise<number>((resolve, reject) => {
        http.get({ host: "127.0.0.1", port, path: "/" }, (res) => {
          res.resume();
          res.on("end", () => resolve(done));
        }).on("error", reject);
      });
      const results = await Promise.all(statements);
      // The answer came while statements were still queued, not after the whole queue.
      expect(answered).toBeLessThan(400);
      // Each call got its own result, in the order the calls were made.
      expect(results.map((n, i) => n - i).every((base) => base === results[0])).toBe(true);
    } finally {
      server.close();
    }
  });

  it("fails only the statement that fails; the next ones run", async () => {
    const bad = db.query("select * from no_such_table");
    const good = db.query<{ one: number }>("select 1 as one");
    await expect(bad).rejects.toThrow(/no_such_table/);
    expect((await good).rows[0]!.one).toBe(1);
  });

  it("runs a transaction as one turn: a statement queued after it sees what it committed", async () => {
    await db.exec("create table turn_probe (n int)");
    const tx = db.transaction(async (t) => {
      await t.query("insert into turn_probe values (1)");
      // Let the event loop turn inside the transaction: nothing queued may slip in between.
      await new Promise((r) => setImmediate(r));
      await t.query("insert into turn_probe values (2)");
    });
    const after = db.query<{ n: number }>("select count(*)::int as n from turn_probe");
    await tx;
    expect((await after).rows[0]!.n).toBe(2);
  });

  it("closes after the calls queued before the close", async () => {
    const queued = db.query<{ one: number }>("select 1 as one");
    await db.close();
    expect((await queued).rows[0]!.one).toBe(1);
    expect(raw.closed).toBe(true);
  });
});
