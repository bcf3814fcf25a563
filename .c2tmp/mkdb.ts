import { createLogger } from "../src/logger.js";
import { freshDatabase } from "../bench/db.js";
import { seedSubscribers, someUnits } from "../test/support/delivery.js";
import { sql } from "drizzle-orm";
const db = await freshDatabase(createLogger({ level: "error", json: false }));
await seedSubscribers(db.db, { count: 30000, units: await someUnits(db.db, 10), base: 10_000_000 });
const r = await db.db.execute(sql`select current_database() as d`);
console.log(JSON.stringify((r as any).rows ?? r));
process.exit(0);
