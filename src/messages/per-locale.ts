import { sql } from "drizzle-orm";
import type { OutboundMessage } from "../channels/message.js";
import type { Locale } from "../i18n/index.js";

/** The locales a bulk message is composed in; each person gets theirs (Vietnamese by default). */
export const LOCALES: Locale[] = ["vi", "en"];

/** The message in each locale, as JSON text for a jsonb parameter. */
export function perLocale(build: (locale: Locale) => OutboundMessage): Record<Locale, string> {
  return Object.fromEntries(LOCALES.map((l) => [l, JSON.stringify(build(l))])) as Record<Locale, string>;
}

/** `case` choosing the message by the subscriber's locale (alias s); Vietnamese by default. */
export const byLocale = (m: Record<Locale, string>) => sql`(case when s.locale = 'en' then ${m.en}::jsonb else ${m.vi}::jsonb end)`;
