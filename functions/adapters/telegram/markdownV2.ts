/** Telegram MarkdownV2: these characters must be escaped with a backslash outside entities. */
const SPECIAL = /[_*[\]()~`>#+\-=|{}.!\\]/g;

export function escapeMarkdownV2(text: string): string {
  return text.replace(SPECIAL, (c) => `\\${c}`);
}

/**
 * Split a message into chunks of at most `max` characters (Telegram's limit is 4096), at line
 * breaks when possible, never inside an escape sequence.
 */
export function splitMessage(text: string, max = 4096): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = max;
    if (rest[cut - 1] === '\\') cut--; // keep "\x" together
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  if (rest.length) out.push(rest);
  return out;
}
