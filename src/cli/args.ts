import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./registry.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** node:util parseArgs in strict mode, its errors turned into UsageError with the command's usage. */
export function parseCommandArgs<T extends Options>(args: string[], options: T, usage: string) {
  try {
    return parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: true }>({ args, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional.*$/s, "."), usage);
  }
}

/** `--name VALUE` options, one per name: `stringOptions("role", "name")`. */
export function stringOptions<N extends string>(...names: N[]): Record<N, { type: "string" }> {
  return Object.fromEntries(names.map((n) => [n, { type: "string" }])) as Record<N, { type: "string" }>;
}

/** A command that takes options only: their values; any positional argument is a usage error. */
export function parseOptions<T extends Options>(args: string[], options: T, usage: string) {
  const { values, positionals } = parseCommandArgs(args, options, usage);
  if (positionals.length) throw new UsageError(`Unexpected argument '${positionals[0]}'.`, usage);
  return values;
}

/** A command that takes exactly one argument and no option: the argument, trimmed; else `missing` as a usage error. */
export function parseOneArgument(args: string[], usage: string, missing: string): string {
  const { positionals } = parseCommandArgs(args, {}, usage);
  const arg = positionals.length === 1 ? positionals[0]!.trim() : "";
  if (!arg) throw new UsageError(missing, usage);
  return arg;
}
