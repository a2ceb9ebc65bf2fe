// C0 and C1 control characters (ESC starts every terminal escape), DEL, and the Unicode
// bidirectional overrides that make a line read differently from what it holds.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// The same, less tab and line feed: for multi-line text (a memory's file) printed as text.
const UNPRINTABLE_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from a file anyone may have written (a transcript's cwd, a memory's name,
 * description or body) made safe to print: each control character written as an
 * escape, so none reaches the terminal to move the cursor, retitle the window or
 * hide what follows. `keepLines` keeps tabs and line feeds.
 */
export function terminalSafe(text: string, options: { keepLines?: boolean } = {}): string {
  return text.replace(options.keepLines ? UNPRINTABLE_IN_TEXT : UNPRINTABLE, (character) => {
    const code = character.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16)}`;
  });
}
