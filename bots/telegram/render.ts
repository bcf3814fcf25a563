import type { OutboundMessage } from "../../src/channels/message.js";

/** Telegram's limits: message text 4096 characters, callback_data 64 bytes. */
export const TEXT_LIMIT = 4096;
export const CALLBACK_DATA_LIMIT = 64;

export type InlineButton = { text: string; callback_data: string } | { text: string; url: string };

export interface SendMessagePayload {
  chat_id: string;
  text: string;
  reply_markup?: { inline_keyboard: InlineButton[][] };
}

export class RenderError extends Error {}

/** The inline keyboard for a message; a too long action is a programming error, refused before sending. */
export function inlineKeyboard(message: OutboundMessage): InlineButton[][] | undefined {
  const rows = (message.buttons ?? [])
    .map((row) =>
      row.map((b): InlineButton => {
        const text = b.label.trim() || "…";
        if (b.url) return { text, url: b.url };
        if (Buffer.byteLength(b.action, "utf8") > CALLBACK_DATA_LIMIT) {
          throw new RenderError(`button action is over ${CALLBACK_DATA_LIMIT} bytes: ${b.action.slice(0, 80)}`);
        }
        if (b.action === "") throw new RenderError(`button "${text}" has no action`);
        return { text, callback_data: b.action };
      }),
    )
    .filter((row) => row.length > 0);
  return rows.length ? rows : undefined;
}

/**
 * Split text into parts of at most `limit` UTF-16 units, preferring paragraph, line, then word breaks,
 * never cutting a surrogate pair.
 */
export function splitText(text: string, limit = TEXT_LIMIT): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    let cut = Math.max(window.lastIndexOf("\n\n"), window.lastIndexOf("\n"));
    if (cut < limit / 2) cut = window.lastIndexOf(" ");
    if (cut < limit / 2) {
      cut = limit;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    }
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\s+/, "");
  }
  if (rest.length || parts.length === 0) parts.push(rest);
  return parts.filter((p, i) => p.length > 0 || i === parts.length - 1);
}

/** One sendMessage payload per part; the buttons go under the last part. */
export function toSendMessagePayloads(chatId: string, message: OutboundMessage): SendMessagePayload[] {
  const keyboard = inlineKeyboard(message);
  const text = message.text.trim() === "" ? "…" : message.text;
  const parts = splitText(text);
  return parts.map((part, i) => ({
    chat_id: chatId,
    text: part,
    ...(i === parts.length - 1 && keyboard ? { reply_markup: { inline_keyboard: keyboard } } : {}),
  }));
}
