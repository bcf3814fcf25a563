import type { InboundEvent } from "../../src/channels/adapter.js";
import { platformDate } from "../../src/channels/sanitize.js";

function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function str(v: unknown): string | undefined {
  if (typeof v === "string" && v !== "") return v;
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  return undefined;
}

export interface BotParseResult {
  events: InboundEvent[];
  ignored?: { reason: "not_an_event" | "unsupported" | "no_chat" | "from_bot"; eventName?: string };
}

/**
 * One Zalo Bot update, wrapped `{ok, result:{event_name, message}}` or bare `{event_name, message}`, into
 * events. Text is text ("1" answers the last numbered choices in the conversation); "/start <payload>" is a
 * start. Replies go to chat.id; updateKey = event_name + message_id. Never throws.
 */
export function parseBotUpdate(raw: unknown): BotParseResult {
  const outer = obj(raw);
  const update = outer.result !== undefined && outer.event_name === undefined ? obj(outer.result) : outer;
  const eventName = str(update.event_name);
  if (!eventName) return { events: [], ignored: { reason: "not_an_event" } };
  const message = obj(update.message);
  const from = obj(message.from);
  const chatId = str(obj(message.chat).id) ?? str(from.id);
  if (!chatId) return { events: [], ignored: { reason: "no_chat", eventName } };
  if (from.is_bot === true) return { events: [], ignored: { reason: "from_bot", eventName } };
  if (eventName !== "message.text.received") return { events: [], ignored: { reason: "unsupported", eventName } };
  const text = typeof message.text === "string" ? message.text : "";
  const messageId = str(message.message_id) ?? `${chatId}:${str(message.date) ?? ""}`;
  const base = {
    channel: "zalo-bot" as const,
    externalId: chatId,
    updateKey: `${eventName}:${messageId}`,
    at: platformDate(message.date, "ms"),
    ...(typeof from.display_name === "string" ? { displayName: from.display_name } : {}),
  };
  const start = /^\/start(?:\s+(\S+))?\s*$/i.exec(text.trim());
  if (start) return { events: [start[1] ? { ...base, type: "start", payload: start[1] } : { ...base, type: "start" }] };
  return { events: [{ ...base, type: "text", text }] };
}
