import dotenv from "dotenv";
import { ConfigError, loadConfig } from "../config.js";
import { createLogger } from "../logger.js";
import { allCommands } from "./commands/index.js";
import { createRegistry, EXIT } from "./registry.js";
import { runCli } from "./run.js";
import { reportError } from "./execute.js";
import { hashPasswordFromStdin } from "./password-stdin.js";

/** `npm run cli -- <command>`: officers' and operators' commands (API keys, …). */
async function main(argv: string[]): Promise<number> {
  dotenv.config({ quiet: true });
  const registry = createRegistry(allCommands);
  const io = { out: (line: string) => process.stdout.write(line + "\n"), err: (line: string) => process.stderr.write(line + "\n") };
  if (argv.length === 0 || argv[0] === "help" || argv[0] === "--help" || argv[0] === "-h") {
    (argv.length === 0 ? io.err : io.out)(registry.help());
    return argv.length === 0 ? EXIT.usage : EXIT.ok;
  }
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return EXIT.config;
    }
    throw err;
  }
  // Only warnings and errors, on stderr: standard output is the command's own (scripts read it).
  const logger = createLogger({ level: "warn", json: false });
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    argv = await hashPasswordFromStdin(argv);
  } catch (err) {
    return reportError(err, io.err);
  }
  return runCli({ registry, argv, config, logger, io, signal: abort.signal });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Let output flush; do not hang on a stray handle.
    setTimeout(() => process.exit(code), 1_000).unref();
  },
  (err: unknown) => {
    console.error(err);
    process.exit(EXIT.software);
  },
);
