import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../db/client.js";
import { conflict, notFound } from "../errors.js";
import { t, type Locale } from "../i18n/index.js";
import { announcementButtons, readButton } from "../messages/buttons.js";
import { byLocale, perLocale } from "../messages/per-locale.js";
import { deadlineText } from "../messages/conversation.js";
import { composeRelayScript } from "../domain/relay-script.js";
import type { Broadcaster, BroadcastRef } from "./broadcaster.js";
import { createBroadcast, enqueueAudience, enqueueBroadcast } from "./outbox.js";
import { shorten } from "../text/truncate.js";

export interface BroadcasterOptions {
  /** Time zone for deadlines shown to residents (config.TZ_NAME). */
  timeZone: string;
  /** Wake the delivery worker (after the caller's transaction committed). */
  kick?: () => void;
}

interface DraftRow {
  id: string;
  title: string;
  agency: string;
  summary_necessity: string;
  summary_main_content: string;
  summary_rights_changes: string;
  full_text_url: string;
  comment_closes_at: string | Date;
  target_all: boolean;
  contains_state_secrets: boolean;
}

/** Replaced in SQL by the commune's name, per propagandist. */
const UNIT_MARK = "⟦unit⟧";

/** The text of a draft's announcement as residents receive it (also the console's live preview). */
export function announcementText(
  locale: Locale,
  timeZone: string,
  d: { title: string; mainContent: string; closesAt: Date; fullTextUrl: string },
): string {
  return t(locale, "broadcast.announce", {
    title: d.title, summary: shorten(d.mainContent, 600), deadline: deadlineText(locale, d.closesAt, timeZone), url: d.fullTextUrl,
  });
}

/**
 * The Broadcaster: everything is enqueued set-based in the caller's transaction (INSERT … SELECT), one
 * delivery per person whatever the number of communes they follow, with the message in their locale.
 */
export function createBroadcaster(opts: BroadcasterOptions): Broadcaster {
  const formatDeadline = (locale: Locale, at: Date) => deadlineText(locale, at, opts.timeZone);

  async function loadDraft(tx: DbOrTx, draftId: string): Promise<DraftRow> {
    const [d] = await queryRows<DraftRow>(tx, sql`
      select d.id, d.title, a.name as agency, d.summary_necessity, d.summary_main_content, d.summary_rights_changes,
        d.full_text_url, d.comment_closes_at, d.target_all, d.contains_state_secrets
      from drafts d join agencies a on a.id = d.agency_id where d.id = ${draftId}`);
    if (!d) throw notFound(`No draft ${draftId}.`);
    // Plan II.1 a, I.2: whatever the caller checked, a draft with state secrets never leaves the building.
    if (d.contains_state_secrets) throw conflict("This draft is marked as containing state secrets and can never be broadcast.");
    return d;
  }

  /** Active subscribers with this role in the draft's target communes (subquery on alias s). */
  const inTargets = (d: DraftRow, role: "resident" | "propagandist") => sql`exists (
    select 1 from subscriptions sub where sub.subscriber_id = s.id and sub.role = ${role}
      and (${d.target_all} or sub.unit_code in (select unit_code from draft_targets where draft_id = ${d.id})))`;

  async function announce(tx: DbOrTx, d: DraftRow, actor: string): Promise<BroadcastRef> {
    const announcement = perLocale((l) => ({
      text: announcementText(l, opts.timeZone, {
        title: d.title, mainContent: d.summary_main_content, closesAt: new Date(d.comment_closes_at), fullTextUrl: d.full_text_url,
      }),
      buttons: announcementButtons(l, d.id),
    }));
    const broadcastId = await createBroadcast(tx, d.id, "announcement", actor);
    const recipients = await enqueueAudience(tx, broadcastId, "announcement", byLocale(announcement), sql`s.status = 'active' and ${inTargets(d, "resident")}`);

    // Read-aloud scripts for the communes' propagandists, and a relay row awaiting "Đã đọc".
    // The script is read aloud: composed for speaking (no link, no emoji, dates in words; see relay-script.ts).
    const script = perLocale((l) => ({
      text: composeRelayScript(l, {
        unit: UNIT_MARK, agency: d.agency, title: d.title, necessity: d.summary_necessity, mainContent: d.summary_main_content,
        rightsChanges: d.summary_rights_changes, closesAt: new Date(d.comment_closes_at), timeZone: opts.timeZone,
      }),
      buttons: [[readButton(l, d.id)]],
    }));
    const relayId = await createBroadcast(tx, d.id, "relay", actor);
    await enqueueBroadcast(tx, {
      broadcastId: relayId, kind: "relay",
      with: sql`
        with people as (
          select s.id, s.channel, s.locale, min(sub.unit_code) as unit_code
          from subscribers s join subscriptions sub on sub.subscriber_id = s.id and sub.role = 'propagandist'
          where s.status = 'active'
            and (${d.target_all} or sub.unit_code in (select unit_code from draft_targets where draft_id = ${d.id}))
          group by s.id
        ), rel as (
          insert into relays (draft_id, subscriber_id, unit_code)
          select ${d.id}, id, unit_code from people
          on conflict do nothing
        )`,
      message: sql`jsonb_set(${byLocale(script)}, '{text}',
        to_jsonb(replace(${byLocale(script)} ->> 'text', ${UNIT_MARK}, coalesce(u.name, s.unit_code))))`,
      from: sql`from people s left join admin_units u on u.code = s.unit_code`,
    });
    return { broadcastId, recipients };
  }

  /** Everyone still active who got (or is getting) an announcement or script of this draft. */
  async function followUp(tx: DbOrTx, d: DraftRow, kind: "extension" | "correction", actor: string, message: Record<Locale, string>): Promise<BroadcastRef> {
    const broadcastId = await createBroadcast(tx, d.id, kind, actor);
    const recipients = await enqueueAudience(tx, broadcastId, kind, byLocale(message), sql`s.status = 'active' and exists (
      select 1 from deliveries x join broadcasts b on b.id = x.broadcast_id
      where x.subscriber_id = s.id and b.draft_id = ${d.id} and b.kind in ('announcement', 'relay')
        and x.state in ('queued', 'sending', 'sent'))`);
    return { broadcastId, recipients };
  }

  return {
    async draftPublished(tx, draftId, actor) {
      const d = await loadDraft(tx, draftId);
      // Publishing twice never doubles a broadcast: the first announcement stands.
      const [existing] = await queryRows<{ id: string; total: number }>(tx, sql`
        select id, total from broadcasts where draft_id = ${draftId} and kind = 'announcement' order by created_at limit 1`);
      if (existing) return { broadcastId: existing.id, recipients: existing.total };
      return announce(tx, d, actor);
    },
    async draftExtended(tx, draftId, actor) {
      const d = await loadDraft(tx, draftId);
      const message = perLocale((l) => ({
        text: t(l, "broadcast.extension", { title: d.title, deadline: formatDeadline(l, new Date(d.comment_closes_at)), url: d.full_text_url }),
        buttons: announcementButtons(l, d.id),
      }));
      return followUp(tx, d, "extension", actor, message);
    },
    async draftCorrected(tx, draftId, actor, note) {
      const d = await loadDraft(tx, draftId);
      const message = perLocale((l) => ({
        text: t(l, "broadcast.correction", { title: d.title, note: shorten(note, 2000), url: d.full_text_url }),
        buttons: announcementButtons(l, d.id),
      }));
      return followUp(tx, d, "correction", actor, message);
    },
    kick() {
      opts.kick?.();
    },
  };
}
