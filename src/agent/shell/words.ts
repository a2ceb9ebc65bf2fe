import type { ShellNode } from "./parser.ts";

/**
 * One word of a command as bash passes it on. `value` is set only when the
 * word is literal: plain text, '…', "…" without expansions, and backslash
 * escapes, all resolved as bash resolves them. Anything bash would expand
 * ($x, ${…}, $(…), `…`, $'…', $"…", globs, brace expansion) leaves it unset:
 * what it becomes is only known when the shell runs.
 */
export interface ShellWord {
  value: string | undefined;
  /** The word as written. */
  raw: string;
  start: number;
  end: number;
}

export function shellWord(node: ShellNode): ShellWord {
  return { value: literalValue(node), raw: node.text, start: node.startIndex, end: node.endIndex };
}

function literalValue(node: ShellNode): string | undefined {
  switch (node.type) {
    case "word":
    case "command_name":
      if (node.type === "command_name") {
        const inner = node.namedChild(0);
        return inner ? literalValue(inner) : undefined;
      }
      return expandsAsPattern(node.text) ? undefined : unescapeBare(node.text);
    case "number":
      return node.text;
    case "raw_string":
      return node.text.slice(1, -1);
    case "string": {
      // Only string_content children: no $x, ${…} or $(…) inside.
      if (node.namedChildren.some((child) => child?.type !== "string_content")) return undefined;
      return unescapeDoubleQuoted(node.text.slice(1, -1));
    }
    case "concatenation": {
      let joined = "";
      for (const child of node.namedChildren) {
        const part = child ? literalValue(child) : undefined;
        if (part === undefined) return undefined;
        joined += part;
      }
      // `{a,b}` split over several word nodes still brace-expands.
      return node.namedChildren.some((child) => child?.type === "word") && expandsAsPattern(node.text)
        ? undefined
        : joined;
    }
    default:
      return undefined;
  }
}

/** Unquoted glob characters (`*`, `?`, `[…]`) or a brace expansion (`{a,b}`, `{1..3}`): bash turns the word into other words. */
function expandsAsPattern(text: string): boolean {
  const unquoted = text.replace(/\\./gs, "").replace(/'[^']*'|"(?:[^"\\]|\\.)*"/g, "");
  return /[*?]|\[[^\]]*\]|\{[^}]*(?:,|\.\.)[^}]*\}/.test(unquoted);
}

/** Outside quotes a backslash keeps the next character as it is; backslash-newline disappears. */
function unescapeBare(text: string): string {
  return text.replace(/\\(.)/gs, (_match, next: string) => (next === "\n" ? "" : next));
}

/** Inside "…" a backslash escapes only $ ` " \ and newline; before anything else it stays. */
function unescapeDoubleQuoted(text: string): string {
  return text.replace(/\\([$`"\\\n])/g, (_match, next: string) => (next === "\n" ? "" : next));
}

const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./~^-]+$/;

/**
 * A word written back so it reads the same: as is when plain, in single
 * quotes when it holds blanks or shell characters, as written when not
 * literal. So `git 'status x'` does not read as `git status x`.
 */
export function displayWord(word: ShellWord): string {
  if (word.value === undefined) return word.raw;
  if (PLAIN_WORD.test(word.value)) return word.value;
  return quoteForShell(word.value);
}

/** Text in single quotes for a POSIX shell, a `'` written `'\''`: pasted, it is one word, unchanged. */
export function quoteForShell(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** `--output=x` → [`--output`, `x`]; `--output` → [`--output`, undefined]. */
export function splitOptionValue(value: string): [string, string | undefined] {
  const equals = value.indexOf("=");
  return equals < 0 ? [value, undefined] : [value.slice(0, equals), value.slice(equals + 1)];
}
