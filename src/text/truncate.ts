/**
 * The one truncation rule: a text longer than `max` characters (code points, so a cut never splits an
 * emoji) is cut to `max` characters including a closing "…"; with `atWord`, at the last space when one
 * lies in the last 40 % of the cut (otherwise mid-word).
 */
export const ELLIPSIS = "…";

export function truncate(text: string, max: number, opts: { atWord?: boolean } = {}): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const cut = chars.slice(0, Math.max(0, max - 1));
  if (opts.atWord) {
    const at = cut.lastIndexOf(" ");
    if (at > max * 0.6) return cut.slice(0, at).join("") + ELLIPSIS;
  }
  return cut.join("") + ELLIPSIS;
}

/** A summary or note for a message: trimmed, paragraphs kept, cut at a word. */
export function shorten(text: string, max: number): string {
  return truncate(text.trim().replace(/\s+\n/g, "\n"), max, { atWord: true });
}

/** One line (every run of white space a single space), cut at a word: comment samples in a digest. */
export function oneLine(text: string, max: number): string {
  return truncate(text.replace(/\s+/g, " ").trim(), max, { atWord: true });
}
