import type { Db } from "../db/client.js";
import { localDateTime } from "../text/local-time.js";
import { parseOptions } from "./args.js";
import { defineCommand, type CliCommand } from "./registry.js";
import { formatTable } from "./table.js";

export interface ListCommandSpec<T> {
  name: string;
  summary: string;
  /** e.g. "Usage: npm run cli -- keys list [--json]" */
  usage: string;
  load(db: Db): Promise<T[]>;
  /** What to print when there is nothing, with how to create the first one. */
  empty: string;
  header: string[];
  /** One table row; `when` prints a time as local "YYYY-MM-DD HH:MM" (or "-"). */
  row(item: T, when: (d: Date | null) => string): string[];
}

/** A `… list [--json]` command: a table of rows (local times), or the rows as JSON for scripts. */
export function defineListCommand<T>(spec: ListCommandSpec<T>): CliCommand {
  return defineCommand({
    name: spec.name,
    summary: spec.summary,
    usage: spec.usage,
    parse(args) {
      return { json: parseOptions(args, { json: { type: "boolean" } }, spec.usage).json ?? false };
    },
    async run(ctx, input) {
      const items = await spec.load(ctx.db);
      if (input.json) {
        ctx.out(JSON.stringify(items));
        return;
      }
      if (!items.length) {
        ctx.out(spec.empty);
        return;
      }
      const when = (d: Date | null) => (d ? localDateTime(d, ctx.config.TZ_NAME).slice(0, 16) : "-");
      for (const line of formatTable(spec.header, items.map((i) => spec.row(i, when)))) ctx.out(line);
    },
  });
}
