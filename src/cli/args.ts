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
