/**
 * The pipeline ceiling on its own (no limit, no latency) beside the bare HTTP loop, for profiling.
 * BENCH_PROFILE=<file.cpuprofile> records a V8 CPU profile (what `node --cpu-prof` records) of the ceiling
 * run only — not the start-up, the seeding or the bare loop:
 *   BENCH_PROFILE=bench/results/profiles/ceiling.cpuprofile npx tsx bench/ceiling.ts
 *   npx tsx bench/profile-summary.ts bench/results/profiles/ceiling.cpuprofile
 * The fake runs in its own process (its CPU is not in the profile). BENCH_CEILING_N sets the broadcast size.
 */
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { createLogger } from "../src/logger.js";
import { createTelegramChannel } from "../bots/telegram/index.js";
import { seedSubscribers, someUnits } from "../test/support/delivery.js";
import { freshDatabase, benchDatabaseUrl } from "./db.js";
import { BENCH_TOKEN, bareLoop, pipeline, startFake } from "./pipeline.js";

const logger = createLogger({ level: process.env.BENCH_LOG_LEVEL ?? "error", json: false });
const n = Number(process.env.BENCH_CEILING_N ?? 10_000);
const fake = await startFake();
const database = await freshDatabase(logger);
try {
  await seedSubscribers(database.db, { count: n, units: await someUnits(database.db, 10), base: 10_000_000 });
  const telegram = createTelegramChannel({ token: BENCH_TOKEN, apiRoot: fake.url, mode: "polling", logger });
  const profile = process.env.BENCH_PROFILE;
  const session = profile ? new Session() : null;
  if (session) {
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 200 });
    await session.post("Profiler.start");
  }
  const ceiling = await pipeline(database, fake, telegram, logger, { n, limit: 0, latencyMs: 0 });
  if (session && profile) {
    const { profile: recorded } = await session.post("Profiler.stop");
    await writeFile(profile, JSON.stringify(recorded));
    session.disconnect();
  }
  const bare = await bareLoop(fake, n);
  console.log(JSON.stringify({ database: benchDatabaseUrl() ? "postgres" : "pglite", n, ceiling: Math.round(ceiling.rate), bare: Math.round(bare.rate), percentOfBare: Math.round((ceiling.rate / bare.rate) * 1000) / 10 }));
} finally {
  await database.close();
  await fake.close();
}
