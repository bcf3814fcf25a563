import { AppError } from "../../errors.js";
import { broadcastStatus, type BroadcastStatus } from "../../delivery/status.js";
import { isUuid } from "../../domain/ids.js";
import { parseCommandArgs } from "../args.js";
import { CliError, defineCommand, UsageError, type CliCommand } from "../registry.js";

const USAGE = [
  "Usage: npm run cli -- broadcast status <broadcast-id> [--follow] [--interval SECONDS]",
  "",
  "  Where every message of a broadcast stands: counts per state, rate, estimated time left, failures.",
  "  --follow    print a progress line every interval until the broadcast is finished (Ctrl-C stops)",
  "  --interval  seconds between lines with --follow (default 2)",
  "  The ids are in GET /api/v1/drafts/{id}/broadcasts.",
].join("\n");


/** "1h02m", "3m05s", "12s". */
export function duration(seconds: number | null): string {
  if (seconds === null) return "unknown";
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h) return `${h}h${String(m).padStart(2, "0")}m`;
  if (m) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}

/** One progress line: a 30-cell bar, the percentage, the counts, the rate and the time left. */
export function progressLine(s: BroadcastStatus): string {
  const cells = 30;
  const filled = Math.min(cells, Math.floor((s.percent / 100) * cells));
  const bar = "█".repeat(filled) + "░".repeat(cells - filled);
  const c = s.counts;
  return (
    `[${bar}] ${s.percent.toFixed(1).padStart(5)}%  ${s.done}/${s.total}  ` +
    `sent ${c.sent} · failed ${c.failed} · outside window ${c.outside_window} · queued ${c.queued} · sending ${c.sending}  ` +
    `${s.ratePerSecond} msg/s  ${s.finished ? "finished" : `about ${duration(s.etaSeconds)} left`}`
  );
}

const status = defineCommand({
  name: "broadcast status",
  summary: "progress of a broadcast (counts, rate, time left, failures); --follow for a live progress bar",
  usage: USAGE,
  parse(args) {
    const { values, positionals } = parseCommandArgs(args, { follow: { type: "boolean" }, interval: { type: "string" } }, USAGE);
    if (positionals.length !== 1) throw new UsageError("Give exactly one broadcast id.", USAGE);
    const id = positionals[0]!.trim();
    if (!isUuid(id)) throw new UsageError(`'${id}' is not a broadcast id (a UUID).`, USAGE);
    const interval = Number(values.interval ?? "2");
    if (!Number.isFinite(interval) || interval < 0.2 || interval > 3600) throw new UsageError(`--interval must be between 0.2 and 3600 seconds, got '${values.interval}'.`, USAGE);
    return { id: id.toLowerCase(), follow: values.follow === true, intervalMs: interval * 1000 };
  },
  async run(ctx, input) {
    const read = async () => {
      try {
        return await broadcastStatus(ctx.db, input.id);
      } catch (err) {
        if (err instanceof AppError && err.status === 404) throw new CliError(`No broadcast ${input.id}.`);
        throw err;
      }
    };
    let s = await read();
    ctx.out(`Broadcast ${s.id} (${s.kind}${s.draftId ? `, draft ${s.draftId}` : ""}), created ${s.createdAt} by ${s.createdBy}`);
    ctx.out(progressLine(s));
    while (input.follow && !s.finished && !ctx.signal.aborted) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, input.intervalMs);
        ctx.signal.addEventListener("abort", () => { clearTimeout(t); resolve(); }, { once: true });
      });
      if (ctx.signal.aborted) break;
      s = await read();
      ctx.out(progressLine(s));
    }
    for (const ch of s.byChannel) ctx.out(`  ${ch.channel}: ${Object.entries(ch.counts).filter(([, n]) => n).map(([k, n]) => `${k} ${n}`).join(", ")}`);
    if (s.failuresByReason.length) {
      ctx.out("Failures by reason:");
      for (const f of s.failuresByReason) ctx.out(`  ${f.reason}: ${f.count}${f.example ? `  (e.g. ${f.example})` : ""}`);
    }
    if (s.outsideWindow) ctx.out(`Outside the Zalo OA 7-day window: ${s.outsideWindow}`);
  },
});

export const broadcastCommands: CliCommand[] = [status];
