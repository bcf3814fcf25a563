import type { Logger } from "../logger.js";
import { CliError, EXIT, UsageError, type CommandContext, type CommandRegistry } from "./registry.js";

/** A command line to run, with what every command gets. */
export interface ExecuteOptions extends CommandContext {
  registry: CommandRegistry;
  argv: string[];
}

/** Find, parse and run one command; every failure becomes a message on err and an exit code. */
export async function executeCommand(o: ExecuteOptions): Promise<number> {
  const found = o.registry.find(o.argv);
  if (!found) {
    o.err(`Unknown command '${o.argv.join(" ")}'.`);
    o.err(o.registry.help());
    return EXIT.usage;
  }
  try {
    const input = found.command.parse(found.args);
    const code = await found.command.run(
      { db: o.db, config: o.config, logger: o.logger, out: o.out, err: o.err, signal: o.signal, via: o.via },
      input,
    );
    return code ?? EXIT.ok;
  } catch (err) {
    return reportError(err, o.err, o.logger);
  }
}

/** Print a failure for the user; returns the exit code it calls for. */
export function reportError(err: unknown, printErr: (line: string) => void, logger?: Logger): number {
  if (err instanceof UsageError) {
    printErr(`Error: ${err.message}`);
    if (err.usage) printErr("\n" + err.usage);
    return err.exitCode;
  }
  if (err instanceof CliError) {
    printErr(`Error: ${err.message}`);
    return err.exitCode;
  }
  logger?.error("command failed", { err });
  printErr(`Error: ${(err as Error).message ?? String(err)}`);
  return EXIT.failure;
}
