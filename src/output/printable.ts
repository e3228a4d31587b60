/**
 * Text that reaches a terminal comes from state files, logs, other users'
 * processes and configuration: a character that moves the cursor, retitles
 * the window, clears the screen or starts a new line would let that data
 * forge or hide output, root's included. Tab only moves the cursor to the
 * right and stays. Escaped as JavaScript would write it, so the character
 * can still be read.
 */
const UNPRINTABLE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const ONE_UNPRINTABLE = new RegExp(UNPRINTABLE.source);

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r' };

function escaped(c: string): string {
  const code = c.charCodeAt(0);
  return NAMED[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/** `text` with every such character escaped, except those in `keep` (a log's own line breaks). */
export function printable(text: string, keep = ''): string {
  return text.replace(UNPRINTABLE, (c) => (keep.includes(c) ? c : escaped(c)));
}

/**
 * JSON text as JSON.stringify made it: it escapes C0 in strings but leaves
 * DEL, C1 and the separators raw; \u escapes leave the values unchanged.
 * The raw line breaks left are its own indentation.
 */
export function printableJson(json: string): string {
  return json.replace(UNPRINTABLE, (c) => (c === '\n' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** The first such character in `text`, escaped, if any: names and commands given to tsvnc must have none. */
export function firstUnprintable(text: string): string | null {
  const match = ONE_UNPRINTABLE.exec(text);
  return match ? escaped(match[0]) : null;
}

/** Quoted input in a message is cut: a 30 MB line must not come back as a 30 MB error. */
export const QUOTE_MAX = 60;

/** `text` as a message quotes it: in double quotes, escaped, and cut to QUOTE_MAX characters. */
export function quote(text: string, max = QUOTE_MAX): string {
  if (text.length <= max) return `"${printable(text)}"`;
  const cut = /[\uD800-\uDBFF]$/.test(text.slice(0, max)) ? text.slice(0, max - 1) : text.slice(0, max);
  return `"${printable(cut)}..." (${text.length} characters)`;
}
