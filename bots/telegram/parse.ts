import type { InboundEvent } from "../../src/channels/adapter.js";
import { platformDate } from "../../src/channels/sanitize.js";

/**
 * Telegram updates → channel-neutral events. Only private chats are handled (the bot talks to one person
 * at a time). Unknown or malformed shapes give [] and never throw.
 *
 *   message with text "/start <payload>"  → start (payload: "c_06529")
 *   message with text (or a caption)       → text ("/stop", "/help" stay text; handlers read them)
 *   callback_query with data               → action (callbackId to answer it)
 *   my_chat_member, new status "kicked"    → unfollow (the person blocked the bot)
 */
export function parseTelegramUpdate(raw: unknown): InboundEvent[] {
  try {
    return parse(raw);
  } catch {
    return [];
  }
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const idOf = (v: unknown): string | undefined =>
  (typeof v === "number" && Number.isSafeInteger(v)) || (typeof v === "string" && /^-?\d{1,20}$/.test(v)) ? String(v) : undefined;

function person(from: unknown): { displayName?: string; locale?: string } {
  if (!isObj(from)) return {};
  const name = [from.first_name, from.last_name].filter((p): p is string => typeof p === "string" && p.trim() !== "").join(" ").trim();
  const out: { displayName?: string; locale?: string } = {};
  if (name) out.displayName = name.slice(0, 120);
  if (typeof from.language_code === "string" && /^[a-zA-Z-]{2,10}$/.test(from.language_code)) out.locale = from.language_code.toLowerCase();
  return out;
}

const isPrivate = (chat: unknown) => !isObj(chat) || chat.type === undefined || chat.type === "private";

function parse(raw: unknown): InboundEvent[] {
  if (!isObj(raw)) return [];
  const updateId = raw.update_id;
  if (typeof updateId !== "number" || !Number.isSafeInteger(updateId)) return [];
  const updateKey = String(updateId);

  if (isObj(raw.message)) {
    const m = raw.message;
    if (!isObj(m.from) || m.from.is_bot === true || !isPrivate(m.chat)) return [];
    const externalId = idOf(m.from.id);
    if (!externalId) return [];
    const text = typeof m.text === "string" ? m.text : typeof m.caption === "string" ? m.caption : undefined;
    if (text === undefined) return [];
    const at = platformDate(m.date, "s");
    const base = { channel: "telegram" as const, externalId, updateKey, at, ...person(m.from) };
    const start = /^\/start(?:@\w+)?(?:\s+(\S.*))?$/is.exec(text.trim());
    if (start) {
      const payload = start[1]?.trim();
      return [payload ? { ...base, type: "start", payload: payload.slice(0, 64) } : { ...base, type: "start" }];
    }
    // "/stop@gopy_bot" → "/stop": handlers see commands without the bot's name.
    const command = /^(\/[a-z0-9_]+)@\w+(\s.*)?$/is.exec(text.trim());
    const clean = command ? command[1]! + (command[2] ?? "") : text;
    return [{ ...base, type: "text", text: clean }];
  }

  if (isObj(raw.callback_query)) {
    const q = raw.callback_query;
    if (!isObj(q.from) || typeof q.id !== "string" && typeof q.id !== "number") return [];
    if (isObj(q.message) && !isPrivate(q.message.chat)) return [];
    const externalId = idOf(q.from.id);
    if (!externalId || typeof q.data !== "string" || q.data === "") return [];
    return [{ channel: "telegram", externalId, updateKey, at: new Date(), ...person(q.from), type: "action", action: q.data, callbackId: String(q.id) }];
  }

  if (isObj(raw.my_chat_member)) {
    const c = raw.my_chat_member;
    if (!isPrivate(c.chat) || !isObj(c.new_chat_member)) return [];
    const externalId = idOf(isObj(c.chat) ? c.chat.id : undefined) ?? idOf(isObj(c.from) ? c.from.id : undefined);
    if (!externalId) return [];
    const at = platformDate(c.date, "s");
    if (c.new_chat_member.status === "kicked") {
      return [{ channel: "telegram", externalId, updateKey, at, ...person(c.from), type: "unfollow" }];
    }
    return [];
  }
  return [];
}
