import { and, eq, isNull } from "drizzle-orm";
import { apiKeys, apiRoles, type ApiRole } from "../../db/schema/index.js";
import { findAgency } from "../../domain/agencies.js";
import { createApiKey, listApiKeys, revokeApiKey } from "../../domain/api-keys.js";
import { parseOneArgument, parseOptions, stringOptions } from "../args.js";
import { CliError, defineCommand, UsageError, type CliCommand } from "../registry.js";
import { defineListCommand } from "../list-command.js";

const CREATE_USAGE = [
  "Usage: npm run cli -- keys create --role admin|drafter|viewer [--agency NAME] --name LABEL",
  "",
  "  --role     admin (every agency), drafter (writes its agency's drafts), viewer (reads them)",
  "  --agency   the drafting agency, by name (created if new) or id; required for drafter and viewer",
  "  --name     who or what the key is for, e.g. \"Nguyễn Văn A, Sở Tư pháp\"",
  "",
  "Prints the new key once, alone on the last line:",
  "  KEY=$(npm run -s cli -- keys create --role viewer --agency \"Sở Tư pháp\" --name report | tail -n1)",
].join("\n");

const LIST_USAGE = "Usage: npm run cli -- keys list [--json]";
const REVOKE_USAGE = "Usage: npm run cli -- keys revoke <id|prefix>\n\n  The id or the prefix (gpy_…) shown by keys list.";

const keysCreate = defineCommand({
  name: "keys create",
  summary: "create an API key (printed once, alone on the last line)",
  usage: CREATE_USAGE,
  parse(args) {
    const values = parseOptions(args, stringOptions("role", "agency", "name"), CREATE_USAGE);
    const role = values.role?.trim();
    if (!role) throw new UsageError("--role is required (admin, drafter or viewer).", CREATE_USAGE);
    if (!(apiRoles as readonly string[]).includes(role)) {
      throw new UsageError(`Unknown role '${role}': use admin, drafter or viewer.`, CREATE_USAGE);
    }
    const name = values.name?.trim();
    if (!name) throw new UsageError("--name is required: say who or what the key is for.", CREATE_USAGE);
    if (name.length > 200) throw new UsageError("--name is too long (200 characters at most).", CREATE_USAGE);
    const agency = values.agency?.trim() || undefined;
    if (role !== "admin" && !agency) {
      throw new UsageError(`A ${role} key belongs to one agency: give --agency NAME.`, CREATE_USAGE);
    }
    return { role: role as ApiRole, name, agency };
  },
  async run(ctx, input) {
    const existing = input.agency ? await findAgency(ctx.db, input.agency) : null;
    if (input.agency && !existing && /^[0-9a-f-]{36}$/i.test(input.agency)) {
      throw new CliError(`No agency has the id ${input.agency}.`);
    }
    const key = await createApiKey(ctx.db, input, ctx.via === "service" ? "cli (via service)" : "cli");
    const agencyText = input.agency ? `, agency ${existing?.name ?? input.agency}${existing ? "" : " (new agency)"}` : "";
    ctx.out(`Created ${key.role} key "${key.name}"${agencyText}; id ${key.id}, prefix ${key.key.slice(0, 10)}.`);
    ctx.out("Store the key now: it is shown only this once and cannot be recovered.");
    ctx.out(key.key);
  },
});

const keysList = defineListCommand({
  name: "keys list",
  summary: "list API keys (never the keys themselves)",
  usage: LIST_USAGE,
  load: listApiKeys,
  empty: "No API keys yet. Create one with: npm run cli -- keys create --role admin --name \"Your name\"",
  header: ["ID", "PREFIX", "NAME", "ROLE", "AGENCY", "CREATED", "LAST USED", "REVOKED"],
  row: (k, when) => [k.id, k.prefix, k.name, k.role, k.agency ?? "-", when(k.createdAt), when(k.lastUsedAt), when(k.revokedAt)],
});

const keysRevoke = defineCommand({
  name: "keys revoke",
  summary: "revoke an API key by id or prefix",
  usage: REVOKE_USAGE,
  parse(args) {
    return { idOrPrefix: parseOneArgument(args, REVOKE_USAGE, "Give exactly one key id or prefix.") };
  },
  async run(ctx, input) {
    const isUuid = /^[0-9a-f-]{36}$/i.test(input.idOrPrefix);
    const match = isUuid ? eq(apiKeys.id, input.idOrPrefix) : eq(apiKeys.prefix, input.idOrPrefix);
    const active = await ctx.db.select().from(apiKeys).where(and(match, isNull(apiKeys.revokedAt)));
    if (active.length === 0) {
      const [any] = await ctx.db.select().from(apiKeys).where(match).limit(1);
      throw new CliError(any ? `The key ${input.idOrPrefix} is already revoked.` : `No API key has the id or prefix ${input.idOrPrefix}.`);
    }
    if (active.length > 1) {
      throw new CliError(
        `${active.length} active keys share the prefix ${input.idOrPrefix}; revoke one by its id:\n` +
          active.map((k) => `  ${k.id}  ${k.name}`).join("\n"),
      );
    }
    const key = active[0]!;
    await revokeApiKey(ctx.db, key.id, ctx.via === "service" ? "cli (via service)" : "cli");
    ctx.out(`Revoked key ${key.id} (${key.prefix}, "${key.name}"). It no longer authenticates.`);
  },
});

export const keysCommands: CliCommand[] = [keysCreate, keysList, keysRevoke];
