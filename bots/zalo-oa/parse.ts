import type { InboundEvent } from "../../src/channels/adapter.js";
import { platformDate } from "../../src/channels/sanitize.js";
import { decodeAction } from "../../src/messages/actions.js";

/**
 * Button presses on Zalo OA (`oa.query.hide`) come back as `user_send_text` whose text is the payload.
 * Payloads carry this prefix so that a person typing a plain word ("stop", "huy") is never mistaken for
 * a button press; structured actions (answer:<uuid>, choice:<uuid>:<n>, unsub…) are accepted without it.
 */
export const OA_ACTION_PREFIX = "#gopy:";

export function encodeOaPayload(action: string): string {
  return OA_ACTION_PREFIX + action;
}

/** The action a text carries, if it is a button payload; otherwise null. */
export function actionFromText(text: string): string | null {
  const t = text.trim();
  if (t.startsWith(OA_ACTION_PREFIX)) {
    const inner = t.slice(OA_ACTION_PREFIX.length);
    return decodeAction(inner) ? inner : null;
  }
  const a = decodeAction(t);
  return a && a.type !== "raw" ? t : null;
}

export type IgnoreReason = "echo" | "other_oa" | "unsupported" | "no_sender" | "not_an_event";

export interface ParseResult {
  events: InboundEvent[];
  /** Why nothing came out, for a log line. */
  ignored?: { reason: IgnoreReason; eventName?: string };
}

function str(v: unknown): string | undefined {
  if (typeof v === "string" && v !== "") return v;
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  return undefined;
}

function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * Turn one OA webhook body into events. Never throws: unknown shapes and events are ignored with a reason.
 * `oaId`: when set, events addressed to another OA (same app) are ignored.
 */
export function parseOaWebhook(raw: unknown, oaId?: string): ParseResult {
  const body = obj(raw);
  const eventName = str(body.event_name);
  if (!eventName) return { events: [], ignored: { reason: "not_an_event" } };
  const sender = obj(body.sender);
  const recipient = obj(body.recipient);
  if (eventName.startsWith("oa_send_") || sender.admin_id !== undefined) return { events: [], ignored: { reason: "echo", eventName } };
  const targetOa = str(body.oa_id) ?? str(recipient.id);
  if (oaId && targetOa && targetOa !== oaId) return { events: [], ignored: { reason: "other_oa", eventName } };
  const ts = str(body.timestamp);
  const when = platformDate(ts, "ms");

  if (eventName === "follow" || eventName === "unfollow") {
    const userId = str(obj(body.follower).id) ?? str(sender.id) ?? str(body.user_id);
    if (!userId) return { events: [], ignored: { reason: "no_sender", eventName } };
    return {
      events: [{ channel: "zalo-oa", type: eventName, externalId: userId, updateKey: `${eventName}:${userId}:${ts ?? ""}`, at: when }],
    };
  }

  if (eventName === "user_send_text") {
    const userId = str(sender.id);
    const message = obj(body.message);
    const text = typeof message.text === "string" ? message.text : "";
    if (!userId) return { events: [], ignored: { reason: "no_sender", eventName } };
    const updateKey = str(message.msg_id) ?? `text:${userId}:${ts ?? ""}`;
    const action = actionFromText(text);
    const base = { channel: "zalo-oa" as const, externalId: userId, updateKey, at: when };
    return { events: [action ? { ...base, type: "action", action } : { ...base, type: "text", text }] };
  }

  return { events: [], ignored: { reason: "unsupported", eventName } };
}
