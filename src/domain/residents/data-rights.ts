import { randomUUID } from "node:crypto";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client.js";
import { consentPurposes, consents, subscribers, type ConsentPurpose } from "../../db/schema/index.js";
import { countedCommuneSql } from "../counted-commune.js";
import { eraseSubscriber, type SubscriberRow } from "./subscribers.js";
import { listSubscriptions, type SubscriptionView } from "./subscriptions.js";

/**
 * The version of the consent notice (`sub.consent` in src/i18n): recorded with each consent. Change it
 * whenever the notice's text changes, so that everyone's consent says which text they agreed to.
 */
export const CONSENT_NOTICE_VERSION = "2026-11";

/** Record consent to every purpose of the notice, with its version and the time (kept if already given). */
export async function recordConsent(tx: DbOrTx, subscriberId: string, at?: Date, purposes: readonly ConsentPurpose[] = consentPurposes): Promise<void> {
  await tx
    .insert(consents)
    .values(purposes.map((purpose) => ({ subscriberId, purpose, noticeVersion: CONSENT_NOTICE_VERSION, givenAt: at ?? sql`now()` })))
    .onConflictDoNothing();
}

export interface ConsentView {
  purpose: ConsentPurpose;
  noticeVersion: string;
  givenAt: Date;
}

/** Everything kept about one person, as `/dulieu` shows it. */
export interface PersonalData {
  channel: string;
  displayName: string | null;
  status: SubscriberRow["status"];
  subscriptions: SubscriptionView[];
  consents: ConsentView[];
  answers: number;
  comments: number;
  lastActiveAt: Date | null;
  since: Date;
}

export async function personalData(tx: DbOrTx, subscriber: SubscriberRow): Promise<PersonalData> {
  const id = subscriber.id;
  const given = await tx
    .select({ purpose: consents.purpose, noticeVersion: consents.noticeVersion, givenAt: consents.givenAt })
    .from(consents)
    .where(eq(consents.subscriberId, id))
    .orderBy(asc(consents.purpose));
  const [counts] = await queryRows<{ answers: number; comments: number }>(tx, sql`
    select (select count(*)::int from answers where subscriber_id = ${id}::uuid) as answers,
           (select count(*)::int from comments where subscriber_id = ${id}::uuid) as comments`);
  return {
    channel: subscriber.channel,
    displayName: subscriber.displayName,
    status: subscriber.status,
    subscriptions: await listSubscriptions(tx, id),
    consents: given,
    answers: counts?.answers ?? 0,
    comments: counts?.comments ?? 0,
    lastActiveAt: subscriber.lastInteractionAt,
    since: subscriber.createdAt,
  };
}

/**
 * Detach a person's contributions from their identity, before the person's row is deleted: their answers
 * (current and history), comments, read-aloud confirmations and the announcements already delivered move to
 * an anonymous stand-in (status "erased", a random id, no platform id, no name), so the tallies already made
 * keep the same totals; each keeps the commune it counted for. A comment's text is the person's own words:
 * it is deleted (the comment still counts). Replies of the conversation are deleted with the person, and
 * links from invites and officer records are cut. Returns the stand-in's id.
 */
export async function detachContributions(tx: DbOrTx, subscriber: Pick<SubscriberRow, "id" | "channel">): Promise<string> {
  const id = subscriber.id;
  const [stub] = await tx
    .insert(subscribers)
    .values({ channel: subscriber.channel, externalId: `erased:${randomUUID()}`, status: "erased" })
    .returning({ id: subscribers.id });
  const anon = stub!.id;
  const commune = (draftId: ReturnType<typeof sql>) => sql`coalesce(unit_code, ${countedCommuneSql(sql`${id}::uuid`, draftId)})`;
  await tx.execute(sql`update answers set subscriber_id = ${anon}::uuid, unit_code = ${commune(sql`answers.draft_id`)} where subscriber_id = ${id}::uuid`);
  await tx.execute(sql`update answer_history set subscriber_id = ${anon}::uuid, unit_code = ${commune(sql`answer_history.draft_id`)} where subscriber_id = ${id}::uuid`);
  await tx.execute(sql`update comments set subscriber_id = ${anon}::uuid, unit_code = ${commune(sql`comments.draft_id`)}, text = '' where subscriber_id = ${id}::uuid`);
  await tx.execute(sql`update relays set subscriber_id = ${anon}::uuid where subscriber_id = ${id}::uuid`);
  await tx.execute(sql`update deliveries set subscriber_id = ${anon}::uuid, external_id = null, error_detail = null
    where subscriber_id = ${id}::uuid and broadcast_id is not null and state not in ('queued', 'sending')`);
  await tx.execute(sql`update invites set used_by = null where used_by = ${id}::uuid`);
  await tx.execute(sql`update officers set subscriber_id = null where subscriber_id = ${id}::uuid`);
  return anon;
}

/** Erase a person outside a conversation (the retention job): detach their contributions, then delete them. */
export async function eraseIdentity(tx: DbOrTx, subscriber: Pick<SubscriberRow, "id" | "channel">): Promise<void> {
  await detachContributions(tx, subscriber);
  await eraseSubscriber(tx, subscriber.id);
}

/** People (not stand-ins) whose last message is older than `before`, oldest first, at most `limit`. */
export async function inactiveSince(tx: DbOrTx, before: Date, limit: number): Promise<Pick<SubscriberRow, "id" | "channel">[]> {
  const rows = await queryRows<{ id: string; channel: SubscriberRow["channel"] }>(tx, sql`
    select id, channel from subscribers
    where status <> 'erased' and coalesce(last_interaction_at, created_at) < ${before.toISOString()}::timestamptz
    order by coalesce(last_interaction_at, created_at), id
    limit ${limit}`);
  return rows;
}

/** Whether the person is still there (the retention job checks under its lock before erasing). */
export async function lockIfInactive(tx: DbOrTx, id: string, before: Date): Promise<boolean> {
  const rows = await tx
    .select({ id: subscribers.id })
    .from(subscribers)
    .where(and(eq(subscribers.id, id), inArray(subscribers.status, ["pending", "active", "stopped", "gone"]), sql`coalesce(${subscribers.lastInteractionAt}, ${subscribers.createdAt}) < ${before.toISOString()}::timestamptz`))
    .for("update");
  return rows.length > 0;
}
