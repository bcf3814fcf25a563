import type { Broadcaster } from "../../src/delivery/broadcaster.js";
import { parseQuietHours } from "../../src/delivery/quiet-hours.js";
import { remindUnconfirmedRelays } from "../../src/domain/relay-reminders.js";
import type { Job } from "../scheduler.js";

/**
 * Hourly: propagandists who have not confirmed a read-aloud script within 24 h get one reminder with the
 * "Đã đọc" button (relays.reminded_at). Not in quiet hours (QUIET_HOURS, default 21:00-07:00 local): the first run after sends them.
 */
export function relayReminderJob(deps: { broadcaster: Broadcaster }): Job {
  return {
    name: "relay-reminder",
    cron: "7 * * * *",
    summary: "one reminder to propagandists whose read-aloud script is unconfirmed after 24 h",
    async run({ db, config, now }) {
      const r = await remindUnconfirmedRelays(db, { now, timeZone: config.TZ_NAME, quietHours: parseQuietHours(config.QUIET_HOURS, config.TZ_NAME) });
      if (r.reminded) deps.broadcaster.kick();
      return { reminded: r.reminded };
    },
  };
}
