import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * The layers' direction is enforced by `no-restricted-imports` zones in eslint.config.js. Scratch sources
 * (never written to disk) are linted at paths inside each layer; type information is not needed for
 * import rules, so the type-aware rules are switched off for them.
 */
const eslint = new ESLint({ cwd: root, overrideConfig: [tseslint.configs.disableTypeChecked] });

async function importErrors(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath });
  return result!.messages.filter((m) => m.ruleId === "no-restricted-imports" || m.fatal).map((m) => m.message);
}

const wrong: [string, string, string][] = [
  ["src/x.ts", 'import { route } from "../handlers/route.js";', "only the composition root"],
  ["src/domain/x.ts", 'import type { Turn } from "../../handlers/types.js";', "only the composition root"],
  ["src/cli/commands/x.ts", 'import { createZaloOaTokenStore } from "../../../bots/zalo-oa/tokens.js";', "never handlers/ or bots/"],
  ["src/cli/commands/x.ts", 'import { route } from "../../../handlers/route.js";', "never handlers/ or bots/"],
  ["src/delivery/x.ts", 'import { createScheduler } from "../../scheduler/scheduler.js";', "only the composition root"],
  ["bots/sim/x.ts", 'import { createInboundProcessor } from "../../handlers/inbound.js";', "never import handlers/"],
  ["bots/x.ts", 'import type { Turn } from "../handlers/types.js";', "never import handlers/"],
  ["handlers/x.ts", 'import { sql } from "drizzle-orm";', "residents' domain"],
  ["handlers/x.ts", 'import type { DbOrTx } from "../src/db/client.js";', "residents' domain"],
  ["handlers/x.ts", 'import { subscribers } from "../src/db/schema/index.js";', "residents' domain"],
  ["handlers/x.ts", 'import { createChannels } from "../bots/index.js";', "channel adapters"],
];

const right: [string, string][] = [
  ["src/x.ts", 'import { encodeAction } from "./messages/actions.js";'],
  ["src/service.ts", 'import { createInboundProcessor } from "../handlers/inbound.js";'],
  ["bots/x.ts", 'import { dispatchInbound } from "../src/channels/dispatch.js";'],
  // The CLI runs timed jobs by hand, as the timer does (`jobs run`).
  ["src/cli/commands/x.ts", 'import { defaultJobs } from "../../../scheduler/jobs/index.js";'],
  ["handlers/x.ts", 'import type { ResidentSession } from "../src/domain/residents/index.js";'],
  ["handlers/x.ts", 'import { text } from "../src/messages/replies.js";'],
];

describe("import direction (eslint.config.js zones)", () => {
  it.each(wrong)("%s: %s is refused", async (filePath, line, why) => {
    const errors = await importErrors(filePath, `${line}\nexport const used = 1;\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(why);
  });

  it.each(right)("%s: %s is allowed", async (filePath, line) => {
    expect(await importErrors(filePath, `${line}\nexport const used = 1;\n`)).toEqual([]);
  });
});
