// C0 and C1 control characters (ESC starts every terminal escape), DEL, and the Unicode marks that
// reorder text (bidi embeddings, overrides, isolates, the directional marks), which make a line read
// differently from what it holds.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// The same, less tab and line feed: for multi-line text (a memory's file) printed as text.
const UNPRINTABLE_IN_TEXT =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * Text from a file anyone may have written (a transcript's cwd, a memory's name, description or
 * body, a repository's hook command or MCP server) made safe to print: each control character
 * written as an escape (`\x1b`, `\r`, `\u202e`), so none reaches the terminal to move the cursor,
 * retitle the window or hide what follows, and the line on screen is the text itself.
 * `keepLines` keeps tabs and line feeds.
 */
export function terminalSafe(text: string, options: { keepLines?: boolean } = {}): string {
  return text.replace(options.keepLines ? UNPRINTABLE_IN_TEXT : UNPRINTABLE, (character) => {
    const named = NAMED[character];
    if (named) return named;
    const code = character.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/**
 * Text from someone else's file made one plain line, cut to `max` characters when given: control
 * characters, line and paragraph separators and line breaks become spaces, so a repository's text
 * cannot forge lines in a prompt, a listing or a memory's description.
 */
export function plainLine(text: string, max?: number): string {
  const flat = text
    .replace(UNPRINTABLE, " ")
    .replace(/[\u2028\u2029]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return max !== undefined && flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Writes one of tacit's own lines to stderr (`tacit: …`, `tacit: warning: …`). Every such line may
 * carry text from outside (a repository's setting key, provider or model name, a hook's output, a
 * file name), so each goes through terminalSafe here, the one way they are written: no escape
 * sequence in a cloned repository's files reaches the terminal to recolour, retitle or write the
 * clipboard. Line breaks are kept (a few messages span lines).
 */
export function printStderrLine(text: string): void {
  process.stderr.write(`tacit: ${terminalSafe(text, { keepLines: true })}\n`);
}

/** Human-readable command output (a listing, a session, a skill) that holds text from outside, made safe the same way. */
export function writeSafeStdout(text: string): void {
  process.stdout.write(terminalSafe(text, { keepLines: true }));
}
