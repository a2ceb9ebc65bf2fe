/**
 * Control characters that let text rewrite what a terminal shows: C0 (ESC, CR,
 * backspace, newline…), DEL, C1, and the Unicode marks that reorder text
 * (bidi embeddings, overrides and isolates). A repository's command shown with
 * any of them raw could hide what really runs behind a benign-looking line.
 */
const HIDING_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text as it may be shown to a user who must judge it: every character above
 * escaped (`\x1b`, `\r`, `\u202e`), so the line on screen is the text itself.
 */
export function visibleText(text: string): string {
  return text.replace(HIDING_CHARACTERS, (character) => {
    const code = character.charCodeAt(0);
    if (character === "\n") return "\\n";
    if (character === "\r") return "\\r";
    if (character === "\t") return "\\t";
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
