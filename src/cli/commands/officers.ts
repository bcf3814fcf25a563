import { eq } from "drizzle-orm";
import { z } from "zod";
import { apiRoles, consoleAccounts, type ApiRole } from "../../db/schema/index.js";
import { createOfficerAccount, createOfficerBody, listOfficerAccounts, setOfficerDisabled } from "../../domain/officers/accounts.js";
import { AppError } from "../../errors.js";
import { parseOneArgument, parseOptions, stringOptions } from "../args.js";
import { CliError, defineCommand, UsageError, type CliCommand } from "../registry.js";
import { defineListCommand } from "../list-command.js";

const CREATE_USAGE = [
  "Usage: npm run cli -- officers create --role admin|drafter|viewer --name NAME --login LOGIN [--agency NAME] [--password-stdin]",
  "",
  "  --role            admin (every agency), drafter (writes its agency's drafts), viewer (reads them)",
  "  --name            the officer's full name, e.g. \"Nguyễn Văn A\"",
  "  --login           what the officer types to log in to the console (2–64 of a–z, 0–9, . _ -)",
  "  --agency          the drafting agency, by name (created if new) or id; required for drafter and viewer",
  "  --password-stdin  read the password from standard input (its first line); otherwise a one-time",
  "                    password is printed once, alone on the last line",
].join("\n");
const LIST_USAGE = "Usage: npm run cli -- officers list [--json]";
const DISABLE_USAGE = "Usage: npm run cli -- officers disable <login>\n\n  Ends the officer's console sessions; the account can no longer log in.";

const actorOf = (via: string) => (via === "service" ? "cli (via service)" : "cli");

const officersCreate = defineCommand({
  name: "officers create",
  summary: "create an officer's console account (prints a one-time password, or --password-stdin)",
  usage: CREATE_USAGE,
  parse(args) {
    const values = parseOptions(args, stringOptions("role", "name", "login", "agency", "password-hash"), CREATE_USAGE);
    const role = values.role?.trim();
    if (!role || !(apiRoles as readonly string[]).includes(role)) throw new UsageError("--role must be admin, drafter or viewer.", CREATE_USAGE);
    const parsed = createOfficerBody.safeParse({ role, name: values.name ?? "", login: values.login ?? "", agency: values.agency });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new UsageError(`--${String(issue.path[0] ?? "name")}: ${issue.message}.`, CREATE_USAGE);
    }
    return { role: role as ApiRole, name: parsed.data.name, login: parsed.data.login, agency: parsed.data.agency, passwordHash: values["password-hash"] };
  },
  async run(ctx, input) {
    try {
      const { passwordHash, ...body } = input;
      const { account, password } = await createOfficerAccount(ctx.db, body, actorOf(ctx.via), passwordHash);
      ctx.out(`Created ${account.role} officer "${account.name}" (login ${account.login}${account.agency ? `, agency ${account.agency}` : ""}).`);
      if (password) {
        ctx.out("Hand over this one-time password now: it is shown only once. Log in at /console.");
        ctx.out(password);
      } else {
        ctx.out("The password read from standard input is set. Log in at /console.");
      }
    } catch (err) {
      if (err instanceof AppError) throw new CliError(err.message);
      if (err instanceof z.ZodError) throw new CliError(err.issues[0]?.message ?? "invalid input");
      throw err;
    }
  },
});

const officersList = defineListCommand({
  name: "officers list",
  summary: "list officers' console accounts",
  usage: LIST_USAGE,
  load: listOfficerAccounts,
  empty: "No officer accounts yet. Create the first admin with: npm run cli -- officers create --role admin --name \"Your name\" --login you",
  header: ["LOGIN", "NAME", "ROLE", "AGENCY", "STATE", "LAST LOGIN"],
  row: (a, when) => [a.login, a.name, a.role, a.agency ?? "-", a.disabled ? "disabled" : "active", when(a.lastLoginAt)],
});

const officersDisable = defineCommand({
  name: "officers disable",
  summary: "disable an officer's console account and end its sessions",
  usage: DISABLE_USAGE,
  parse(args) {
    return { login: parseOneArgument(args, DISABLE_USAGE, "Give exactly one login.").toLowerCase() };
  },
  async run(ctx, input) {
    const [account] = await ctx.db.select({ id: consoleAccounts.id }).from(consoleAccounts).where(eq(consoleAccounts.login, input.login)).limit(1);
    if (!account) throw new CliError(`No officer has the login ${input.login}.`);
    await setOfficerDisabled(ctx.db, account.id, true, actorOf(ctx.via));
    ctx.out(`Disabled ${input.login}; their console sessions are ended.`);
  },
});

export const officersCommands: CliCommand[] = [officersCreate, officersList, officersDisable];
