import net from "node:net";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.js";
import { quietLogger } from "../support/database.js";

/**
 * Closing the database while a connection is still being opened to a server that never answers (a
 * PostgreSQL starting up, or cut off mid-handshake): the service's shutdown must not wait for ever, and the
 * statement waiting for that connection must fail rather than hang.
 */
describe("closing a PostgreSQL database with a connection that never opens", () => {
  const sockets = new Set<net.Socket>();
  const silent = net.createServer((s) => void sockets.add(s));
  afterEach(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  });

  it("ends the connection after the grace period: close() returns and the waiting statement fails", async () => {
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const { port } = silent.address() as AddressInfo;
    const database = await openDatabase({ url: `postgres://postgres@127.0.0.1:${port}/test`, logger: quietLogger() });
    const statement = database.db.execute(sql`select 1`).then(
      () => "answered",
      () => "failed",
    );
    // The pool's connection reached the server, which says nothing.
    await expect.poll(() => sockets.size, { timeout: 5_000 }).toBe(1);

    const closing = database.close().then(() => "closed");
    expect(await closing).toBe("closed");
    expect(await statement).toBe("failed");
  }, 30_000);
});
