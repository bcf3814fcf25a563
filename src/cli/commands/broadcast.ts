import { AppError } from "../../errors.js";
import { t, type Locale } from "../../i18n/index.js";
import { broadcastStatus, type BroadcastStatus } from "../../delivery/status.js";
import { isUuid } from "../../domain/ids.js";
import { parseCommandArgs } from "../args.js";
import { CliError, defineCommand, UsageError, type CliCommand } from "../registry.js";

/** The CLI speaks to the operator in English, as every other command does; the Vietnamese is in vi.ts. */
const L: Locale = "en";
const USAGE = t(L, "cli.broadcast.usage");


/** "1h02m", "3m05s", "12s". */
export function duration(seconds: number | null): string {
  if (seconds === null) return t(L, "cli.broadcast.unknownDuration");
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
  return t(L, "cli.broadcast.progress", {
    bar, percent: s.percent.toFixed(1).padStart(5), done: s.done, total: s.total,
    sent: c.sent, failed: c.failed, outsideWindow: c.outside_window, queued: c.queued, sending: c.sending, rate: s.ratePerSecond,
    eta: s.finished ? t(L, "cli.broadcast.finished") : t(L, "cli.broadcast.left", { duration: duration(s.etaSeconds) }),
  });
}

const status = defineCommand({
  name: "broadcast status",
  summary: "progress of a broadcast (counts, rate, time left, failures); --follow for a live progress bar",
  usage: USAGE,
  parse(args) {
    const { values, positionals } = parseCommandArgs(args, { follow: { type: "boolean" }, interval: { type: "string" } }, USAGE);
    if (positionals.length !== 1) throw new UsageError(t(L, "cli.broadcast.oneId"), USAGE);
    const id = positionals[0]!.trim();
    if (!isUuid(id)) throw new UsageError(t(L, "cli.broadcast.badId", { id }), USAGE);
    const interval = Number(values.interval ?? "2");
    if (!Number.isFinite(interval) || interval < 0.2 || interval > 3600) throw new UsageError(t(L, "cli.broadcast.badInterval", { value: String(values.interval) }), USAGE);
    return { id: id.toLowerCase(), follow: values.follow === true, intervalMs: interval * 1000 };
  },
  async run(ctx, input) {
    const read = async () => {
      try {
        return await broadcastStatus(ctx.db, input.id);
      } catch (err) {
        if (err instanceof AppError && err.status === 404) throw new CliError(t(L, "cli.broadcast.notFound", { id: input.id }));
        throw err;
      }
    };
    let s = await read();
    const draft = s.draftId ? t(L, "cli.broadcast.ofDraft", { id: s.draftId }) : "";
    ctx.out(t(L, "cli.broadcast.header", { id: s.id, kind: s.kind, draft, createdAt: s.createdAt, createdBy: s.createdBy }));
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
      ctx.out(t(L, "cli.broadcast.failures"));
      for (const f of s.failuresByReason) ctx.out(`  ${f.reason}: ${f.count}${f.example ? t(L, "cli.broadcast.example", { example: f.example }) : ""}`);
    }
    if (s.outsideWindow) ctx.out(t(L, "cli.broadcast.outsideWindow", { count: s.outsideWindow }));
  },
});

export const broadcastCommands: CliCommand[] = [status];
