import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import express from "express";
import { sql } from "drizzle-orm";
import type { Database } from "../../src/db/client.js";
import { agencies } from "../../src/db/schema/index.js";
import { createLogger } from "../../src/logger.js";
import { problemHandler } from "../../src/http/problem.js";
import { requestContext } from "../../src/http/request-context.js";
import { createMetrics } from "../../src/metrics.js";
import { createTestDatabase, databaseKinds } from "../support/database.js";

function capture() {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on("data", (c: Buffer) => lines.push(...c.toString().split("\n").filter(Boolean)));
  return { logger: createLogger({ level: "debug", json: true, stream }), lines };
}

/** A resident's words, as they could reach a failing statement. */
const RESIDENT_TEXT = "Nguyễn Thị Hoa, thôn Nà Pàn: tôi phản đối mức phí 20.000 đồng";

describe.each(databaseKinds)("database errors in the log on %s", (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await database.db.insert(agencies).values({ name: RESIDENT_TEXT, nameKey: RESIDENT_TEXT });
  });
  afterAll(async () => {
    await database.close();
  });

  it("a failed statement behind an API request logs the error code and the statement's tag, never its values", async () => {
    const { logger, lines } = capture();
    const app = express();
    app.use(requestContext(logger, createMetrics()));
    app.get("/boom", async () => {
      // A unique violation: PostgreSQL's message detail repeats the value ("Key (name_key)=(…) already exists").
      await database.db.insert(agencies).values({ name: RESIDENT_TEXT, nameKey: RESIDENT_TEXT });
    });
    app.use(problemHandler());
    const server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    const port = (server.address() as { port: number }).port;
    const res = await fetch(`http://127.0.0.1:${port}/boom`);
    server.close();
    expect(res.status).toBe(500);
    const out = lines.join("\n");
    expect(out).toMatch(/"code":"23505"/);
    expect(out).toMatch(/insert agencies #[0-9a-f]{8}/);
    expect(out).not.toContain("Nguyễn Thị Hoa");
    expect(out).not.toContain("phản đối");
    expect(out).not.toMatch(/params/);
  });

  it("a raw statement with a value the database refuses logs no value either", async () => {
    const { logger, lines } = capture();
    const err = await database.db.execute(sql`select ${RESIDENT_TEXT}::uuid`).catch((e: unknown) => e);
    logger.error("query failed", { err });
    const out = lines.join("\n");
    expect(out).toMatch(/"code":"22P02"/);
    expect(out).toMatch(/select #[0-9a-f]{8}/);
    expect(out).not.toContain("Nguyễn");
  });
});
