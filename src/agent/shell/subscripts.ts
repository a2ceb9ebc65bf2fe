import type { ShellNode } from "./parser.ts";

/**
 * Text that bash reads a second time, as code, although the grammar sees a
 * plain string. Wherever bash takes a variable name from a word — `test -v`,
 * `[[ -v ]]`, `printf -v`, `read`, `mapfile`, `getopts`, `wait -p`, `let`,
 * `declare`/`local`/`export`/`readonly` names, namerefs (`declare -n
 * r='a[…]'`), `${!x}` — or evaluates arithmetic (`(( ))`, `$(( ))`, `[[ a
 * -eq b ]]`, `declare -i` values, and variables used in it, whose values
 * are evaluated in turn), it expands an array subscript once more, quotes
 * or not: `test -v 'a[$(rm x)]'` runs `rm x`. So does `${x@P}`, which
 * expands a value as a prompt string.
 *
 * Rather than follow every one of those places (and every variable a
 * value may travel through), any word whose text, once quotes are removed,
 * holds a `[` followed by `$(`, a backtick, `${` or `$[` counts: such text
 * is rare outside an attack, and asking about it costs little. So does an
 * array value in quotes (`declare -a 'a=($(rm x))'`, `typeset -a`): bash
 * evaluates the `=(…)` it holds, command substitutions and all.
 */
const SUBSCRIPT_CODE = /(?:\[|=\()[\s\S]*?(?:\$[({[]|`)/;
/** Nodes that make up one word. */
const WORD_PARTS = new Set([
  "word",
  "raw_string",
  "string",
  "ansi_c_string",
  "concatenation",
  "heredoc_body",
]);

/** The first word of the tree whose text bash may run as a subscript or prompt, or undefined. */
export function codeInEvaluatedText(root: ShellNode): string | undefined {
  const pending: ShellNode[] = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.type === "expansion" && /@P\}$/.test(node.text)) return node.text;
    // Word parts that touch make one word to bash, though the grammar may split them (`a[` `\$\(…\)]`).
    let run = "";
    let runEnd = -1;
    for (const child of node.namedChildren) {
      if (!child) continue;
      pending.push(child);
      if (!WORD_PARTS.has(child.type)) {
        run = "";
        continue;
      }
      run = child.startIndex === runEnd ? run + textOf(child) : textOf(child);
      runEnd = child.endIndex;
      if (SUBSCRIPT_CODE.test(run)) return child.text;
    }
  }
  return undefined;
}

/**
 * The word's text as bash passes it on, with what bash expands left out
 * (what a real `$(…)` runs is read by the analysis itself, and
 * `"[$(date)]"` must not count).
 */
function textOf(node: ShellNode): string {
  switch (node.type) {
    case "word":
      return node.text.replace(/\\(.)/gs, "$1");
    case "raw_string":
      return node.text.slice(1, -1);
    case "ansi_c_string":
      return decodeAnsiC(node.text.slice(2, -1));
    case "string_content":
      return node.text.replace(/\\([$`"\\])/g, "$1");
    case "string":
    case "concatenation":
    case "heredoc_body":
      if (node.namedChildCount === 0) return node.text;
      return node.namedChildren.map((child) => (child ? textOf(child) : "")).join("");
    case "heredoc_content":
      return node.text;
    default:
      return " ";
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", e: "\x1b", E: "\x1b", a: "\x07" };

/** `$'…'` as bash decodes it: `$'a[\x24(rm x)]'` is `a[$(rm x)]`. */
function decodeAnsiC(text: string): string {
  return text.replace(
    /\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|c.|.)/gs,
    (_match, sequence: string) => {
      const first = sequence[0]!;
      if (first === "x" || first === "u" || first === "U") {
        // `\x` with no digits stays as written; a code point past Unicode's end gives nothing.
        if (sequence.length === 1) return `\\${sequence}`;
        const codePoint = Number.parseInt(sequence.slice(1), 16);
        return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : "";
      }
      if (/[0-7]/.test(first)) return String.fromCharCode(Number.parseInt(sequence, 8));
      if (first === "c") return String.fromCharCode(sequence.charCodeAt(1) & 31);
      return SIMPLE_ESCAPES[first] ?? first;
    },
  );
}
