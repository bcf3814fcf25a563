import { t, type Locale, type MessageKey } from "../i18n/index.js";

/** The words of a poster, from the catalogues. */
export interface PosterText {
  heading: string;
  intro: string;
  formerUnits: (names: string) => string;
  label: (key: MessageKey) => string;
  join: string;
  stop: string;
}

export function posterText(locale: Locale = "vi"): PosterText {
  return {
    heading: t(locale, "poster.heading"),
    intro: t(locale, "poster.intro"),
    formerUnits: (names) => t(locale, "poster.formerUnits", { names }),
    label: (key) => t(locale, key),
    join: t(locale, "poster.join"),
    stop: t(locale, "poster.stop"),
  };
}
