import type { Broadcaster } from "../../src/delivery/broadcaster.js";
import { sendDailyDigests } from "../../src/domain/digest/send.js";
import type { Job } from "../scheduler.js";

/** "17:00" → the cron expression "0 17 * * *" (minute, hour; in config.TZ_NAME). */
export function dailyCron(hhmm: string): string {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new Error(`DIGEST_TIME must be HH:MM, got ${hhmm}`);
  return `${Number(m[2])} ${Number(m[1])} * * *`;
}

/**
 * Daily at DIGEST_TIME (default 17:00 local): the officers' digest of every open draft, one message per
 * officer in chat, through the outbox. Safe to re-run: a local day's digest goes out once.
 */
export function digestJob(deps: { broadcaster: Broadcaster; digestTime?: string }): Job {
  return {
    name: "digest",
    cron: dailyCron(deps.digestTime ?? "17:00"),
    summary: "the officers' daily digest of every open draft they follow",
    async run({ db, config, now }) {
      const r = await sendDailyDigests(db, { now, timeZone: config.TZ_NAME, windowDays: config.ZALO_OA_WINDOW_DAYS });
      if (r.sent) deps.broadcaster.kick();
      return { officers: r.sent, drafts: r.drafts, ...(r.skipped ? { skipped: r.skipped } : {}) };
    },
  };
}
