import { vi } from "./vi.js";
import { en } from "./en.js";

/**
 * User-facing text, one catalogue per locale: Vietnamese first (the default), English second.
 * Keys are typed from the Vietnamese catalogue; English must have every key.
 */
export type MessageKey = keyof typeof vi;
export type Locale = "vi" | "en";
export const catalogues: Record<Locale, Record<MessageKey, string>> = { vi, en };

/** Look a message up and fill `{name}` placeholders. Unknown locales fall back to Vietnamese. */
export function t(locale: string | null | undefined, key: MessageKey, params: Record<string, string | number> = {}): string {
  const cat = catalogues[(locale === "en" ? "en" : "vi")];
  const template = cat[key] ?? vi[key];
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => (name in params ? String(params[name]) : `{${name}}`));
}
