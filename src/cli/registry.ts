import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
import type { Logger } from "../logger.js";

/** What a command gets to do its work: the same whether it runs in the CLI process or in the service. */
export interface CommandContext {
  db: Db;
  config: Config;
  logger: Logger;
  /** A line for standard output. */
  out: (line: string) => void;
  /** A line for standard error (notes, warnings). */
  err: (line: string) => void;
  /** Aborted when the user interrupts (Ctrl-C) or the service shuts down: long commands (--follow) stop. */
  signal: AbortSignal;
  /** "database": the CLI opened the database itself; "service": a running service ran the command. */
  via: "database" | "service";
}

export interface CliCommand<I = unknown> {
  /** The words that call it, e.g. "keys create". */
  name: string;
  summary: string;
  /** Usage lines shown on --help and after a usage error. */
  usage: string;
  /** Turn the remaining arguments into the command's input; throw UsageError on bad arguments. */
  parse(args: string[]): I;
  /** Do the work; returns the exit code (default 0). */
  run(ctx: CommandContext, input: I): Promise<number | void>;
}

/** Keeps a command's input type checked inside, and lets the registry hold commands of any input. */
export function defineCommand<I>(command: CliCommand<I>): CliCommand {
  return command;
}

/** A failure with a message for the user and an exit code. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = "CliError";
  }
}

/** Bad arguments (exit code 64, EX_USAGE). */
export class UsageError extends CliError {
  constructor(message: string, readonly usage?: string) {
    super(message, 64);
    this.name = "UsageError";
  }
}

export const EXIT = { ok: 0, failure: 1, usage: 64, unavailable: 69, software: 70, config: 78 } as const;

export interface CommandRegistry {
  commands: readonly CliCommand[];
  /** The command the arguments name, and the arguments left for it; null when none matches. */
  find(argv: string[]): { command: CliCommand; args: string[] } | null;
  /** The overview of every command. */
  help(): string;
}

export function createRegistry(commands: readonly CliCommand[]): CommandRegistry {
  const byName = new Map(commands.map((c) => [c.name, c]));
  return {
    commands,
    find(argv) {
      for (let n = Math.min(argv.length, 3); n >= 1; n--) {
        const command = byName.get(argv.slice(0, n).join(" "));
        if (command) return { command, args: argv.slice(n) };
      }
      return null;
    },
    help() {
      const width = Math.max(...commands.map((c) => c.name.length));
      return [
        "Usage: npm run cli -- <command> [options]",
        "",
        "Commands:",
        ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
        "",
        "Add --help after a command for its options. The CLI opens the database itself, or, when a running",
        "service holds the embedded database, asks that service to run the command.",
      ].join("\n");
    },
  };
}
