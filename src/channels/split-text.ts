/**
 * Split a text into parts of at most `max` characters (code points), preferring paragraph, line, then
 * word boundaries, so that a long message arrives as a few readable messages.
 */
export function splitText(text: string, max: number): string[] {
  const chars = Array.from(text);
  if (chars.length <= max) return [text];
  const parts: string[] = [];
  let rest = chars;
  while (rest.length > max) {
    const window = rest.slice(0, max).join("");
    let cut = -1;
    for (const sep of ["\n\n", "\n", " "]) {
      const at = window.lastIndexOf(sep);
      if (at >= max / 2) {
        cut = at;
        break;
      }
    }
    if (cut < 0) {
      parts.push(window);
      rest = rest.slice(max);
      continue;
    }
    const head = window.slice(0, cut).trimEnd();
    const headLen = Array.from(window.slice(0, cut)).length;
    if (head) parts.push(head);
    rest = rest.slice(headLen);
    while (rest.length && (rest[0] === "\n" || rest[0] === " ")) rest = rest.slice(1);
  }
  const tail = rest.join("");
  if (tail.trim()) parts.push(tail);
  return parts;
}
