import { terminalSafe } from "../../core/terminal-safe.ts";

/**
 * Colours as plain ANSI strings inside Ink <Text>, so that every part of the UI
 * (markdown, diffs, tool lines) goes through one switch that honours NO_COLOR
 * and FORCE_COLOR=0, and tests can turn colour on or off without a TTY.
 */

type StyleName =
  | "bold"
  | "dim"
  | "italic"
  | "underline"
  | "strike"
  | "inverse"
  | "red"
  | "green"
  | "yellow"
  | "blue"
  | "magenta"
  | "cyan"
  | "gray"
  | "accent";

const CODES: Record<StyleName, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  italic: [3, 23],
  underline: [4, 24],
  strike: [9, 29],
  inverse: [7, 27],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  gray: [90, 39],
  accent: [38, 39],
};

export interface Theme {
  color: boolean;
  paint(style: StyleName | StyleName[], text: string): string;
}

export function colorEnabled(environment: NodeJS.ProcessEnv, isTerminal: boolean): boolean {
  if (environment.NO_COLOR !== undefined && environment.NO_COLOR !== "") return false;
  const force = environment.FORCE_COLOR;
  if (force === "0" || force === "false") return false;
  if (force !== undefined) return true;
  if (environment.TERM === "dumb") return false;
  return isTerminal;
}

export function createTheme(color: boolean): Theme {
  return {
    color,
    paint(style, text) {
      if (!color || text === "") return text;
      const styles = Array.isArray(style) ? style : [style];
      let open = "";
      let close = "";
      for (const name of styles) {
        const [start, end] = CODES[name];
        // The accent is a warm orange where 256 colours exist; plain yellow reads fine elsewhere.
        open += name === "accent" ? "\u001b[38;5;173m" : `\u001b[${start}m`;
        close = `\u001b[${end}m${close}`;
      }
      return `${open}${text}${close}`;
    },
  };
}

const ANSI_PATTERN = /\u001b\[[0-9;]*m/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, "");
}

/**
 * Text tacit shows but did not write (a notice naming a repository's setting, a command's output,
 * a repository's command in a question, a tool's output): colour codes the source put in are dropped
 * and any other control character is shown escaped (terminalSafe), so none recolours or retitles the
 * terminal. tacit's own colours are painted after.
 */
export function outsideText(text: string): string {
  return terminalSafe(stripAnsi(text), { keepLines: true });
}

/** Display width, counting wide (CJK, emoji) characters as two cells; good enough for layout. */
export function visibleWidth(text: string): number {
  let width = 0;
  for (const character of stripAnsi(text)) {
    const code = character.codePointAt(0) ?? 0;
    if (code < 32 || (code >= 0x300 && code <= 0x36f)) continue;
    width += isWide(code) ? 2 : 1;
  }
  return width;
}

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

/** Cuts plain text to a display width, ending with … when it had to cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return "";
  if (visibleWidth(text) <= width) return text;
  let result = "";
  let used = 0;
  for (const character of text) {
    const characterWidth = isWide(character.codePointAt(0) ?? 0) ? 2 : 1;
    if (used + characterWidth > width - 1) break;
    result += character;
    used += characterWidth;
  }
  return `${result}…`;
}
