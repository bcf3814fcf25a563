import type { Config } from "../config.js";
import { openDatabase, type Database } from "../db/client.js";
import { runMigrations } from "../db/migrate.js";
import type { Logger } from "../logger.js";
import { loadUnits, readUnitsFile } from "../units/load-units.js";

/**
 * Open the configured database for the CLI and bring it to the state the service would: migrations
 * applied and units loaded, with the service's own code. On PGlite this takes the data-dir lock
 * (DataDirLockedError when a service holds it).
 */
export async function openCliDatabase(config: Config, logger: Logger): Promise<Database> {
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, logger, poolSize: 2 });
  try {
    await runMigrations(database);
    await loadUnits(database.db, await readUnitsFile(config.UNITS_FILE));
    return database;
  } catch (err) {
    await database.close();
    throw err;
  }
}
