import type { Config } from "../config.js";
import { DataDirLockedError, isDataDirLocked } from "../db/lock.js";
import type { Logger } from "../logger.js";
import { AdminUnreachableError, runRemote } from "./admin-client.js";
import { executeCommand, reportError } from "./execute.js";
import { openCliDatabase } from "./open-database.js";
import { CliError, EXIT, type CommandRegistry } from "./registry.js";
import { adminSocketPath } from "./socket-path.js";

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface RunCliOptions {
  registry: CommandRegistry;
  argv: string[];
  config: Config;
  logger: Logger;
  io: CliIo;
  signal: AbortSignal;
  /** How long to wait for a service that holds the data directory to answer on its socket. */
  waitMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Run one command, choosing how to reach the data:
 * - DATABASE_URL set: open PostgreSQL directly (any number of processes may);
 * - PGlite not locked: open the data directory directly;
 * - PGlite locked by a running service: send the command over the service's admin socket.
 * Both paths run the same command code.
 */
export async function runCli(o: RunCliOptions): Promise<number> {
  const found = o.registry.find(o.argv);
  if (!found) {
    o.io.err(`Unknown command '${o.argv.join(" ")}'.\n`);
    o.io.err(o.registry.help());
    return EXIT.usage;
  }
  if (found.args.includes("--help") || found.args.includes("-h")) {
    o.io.out(found.command.usage);
    return EXIT.ok;
  }
  // Check the arguments before touching any database, so a typo costs nothing.
  try {
    found.command.parse(found.args);
  } catch (err) {
    return reportError(err, o.io.err);
  }

  const direct = async () => {
    const database = await openCliDatabase(o.config, o.logger);
    try {
      return await executeCommand({ ...o.io, registry: o.registry, argv: o.argv, db: database.db, config: o.config, logger: o.logger, signal: o.signal, via: "database" });
    } finally {
      await database.close();
    }
  };
  try {
    if (o.config.DATABASE_URL) return await direct();
    const socketPath = adminSocketPath(o.config.DATA_DIR);
    const deadline = Date.now() + (o.waitMs ?? 30_000);
    let told = false;
    for (;;) {
      if (!(await isDataDirLocked(o.config.DATA_DIR))) {
        try {
          return await direct();
        } catch (err) {
          if (!(err instanceof DataDirLockedError)) throw err;
        }
      } else {
        try {
          return await runRemote({ socketPath, argv: o.argv, ...o.io, signal: o.signal });
        } catch (err) {
          if (!(err instanceof AdminUnreachableError)) throw err;
        }
      }
      if (Date.now() > deadline) {
        throw new CliError(
          `The embedded database in ${o.config.DATA_DIR} is held by another process that does not answer on ${socketPath}. ` +
            "If a gopy service is starting, try again in a moment; otherwise stop the other process.",
          EXIT.unavailable,
        );
      }
      if (!told) {
        o.io.err("The embedded database is busy (a service starting, or another CLI command); waiting…");
        told = true;
      }
      await sleep(300);
    }
  } catch (err) {
    return reportError(err, o.io.err, o.logger);
  }
}
