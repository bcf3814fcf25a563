import { createChannelTokenStorage, ZALO_OA_TOKENS } from "../../domain/channel-tokens.js";
import { parseOptions, stringOptions } from "../args.js";
import { CliError, defineCommand, UsageError, type CliCommand, type CommandContext } from "../registry.js";

const SET_USAGE = [
  "Usage: npm run cli -- zalo-oa token set --access TOKEN --refresh TOKEN [--expires-in SECONDS]",
  "",
  "  Load the Zalo Official Account token pair obtained when the OA authorized the app",
  "  (https://oauth.zaloapp.com/v4/oa/permission …, then POST /v4/oa/access_token with the code).",
  "  --access      the access token",
  "  --refresh     the refresh token (single-use: gopy rotates it from now on; do not use it elsewhere)",
  "  --expires-in  seconds until the access token expires, as Zalo answered (expires_in; default 90000)",
].join("\n");

const STATUS_USAGE = "Usage: npm run cli -- zalo-oa token status";

/** The Zalo OA token pair as stored (the channel refreshes it; the CLI loads the first pair and reads it). */
function store(ctx: CommandContext) {
  return createChannelTokenStorage({ db: ctx.db, channel: ZALO_OA_TOKENS });
}

const tokenSet = defineCommand({
  name: "zalo-oa token set",
  summary: "load the Zalo OA access/refresh token pair (rotated automatically afterwards)",
  usage: SET_USAGE,
  parse(args) {
    const values = parseOptions(args, stringOptions("access", "refresh", "expires-in"), SET_USAGE);
    const access = values.access?.trim();
    const refresh = values.refresh?.trim();
    if (!access) throw new UsageError("--access is required.", SET_USAGE);
    if (!refresh) throw new UsageError("--refresh is required.", SET_USAGE);
    if (access === refresh) throw new UsageError("--access and --refresh are the same value; give both tokens of the pair.", SET_USAGE);
    const rawExpires = values["expires-in"]?.trim() ?? "90000";
    if (!/^\d{1,9}$/.test(rawExpires) || Number(rawExpires) < 60) {
      throw new UsageError(`--expires-in must be a number of seconds (at least 60), got '${rawExpires}'.`, SET_USAGE);
    }
    return { access, refresh, expiresIn: Number(rawExpires) };
  },
  async run(ctx, input) {
    const pair = await store(ctx).save({ accessToken: input.access, refreshToken: input.refresh, expiresAt: new Date(Date.now() + input.expiresIn * 1000) });
    ctx.out(`Zalo OA token pair saved; the access token expires at ${pair.expiresAt.toISOString()} and will be refreshed before then.`);
    const missing = (["ZALO_OA_APP_ID", "ZALO_OA_APP_SECRET", "ZALO_OA_SECRET_KEY"] as const).filter((k) => !ctx.config[k]);
    if (missing.length) ctx.err(`Note: the Zalo OA channel stays off until ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} set.`);
    ctx.err("Tip: clear these tokens from your shell history.");
  },
});

const tokenStatus = defineCommand({
  name: "zalo-oa token status",
  summary: "show when the stored Zalo OA token expires (never the token)",
  usage: STATUS_USAGE,
  parse(args) {
    parseOptions(args, {}, STATUS_USAGE);
    return {};
  },
  async run(ctx) {
    const pair = await store(ctx).read();
    if (!pair) throw new CliError("No Zalo OA token is stored. Load one with: npm run cli -- zalo-oa token set --access … --refresh … --expires-in …");
    const left = pair.expiresAt.getTime() - Date.now();
    ctx.out(`Access token expires at ${pair.expiresAt.toISOString()} (${left > 0 ? `in ${Math.round(left / 60_000)} min` : "expired; it is refreshed at the next send"}).`);
  },
});

export const zaloCommands: CliCommand[] = [tokenSet, tokenStatus];
