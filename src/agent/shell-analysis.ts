/**
 * Reading single shell commands (one part of what splitCommand returns) for
 * the permission rules: which words hide the real command (`sudo rm x`,
 * `then rm x`), and where output is redirected to. A rough reading of POSIX
 * shell that errs toward "cannot tell", which callers treat as unsafe.
 */

export interface ShellWord {
  /** The word as written, quotes included. */
  raw: string;
  start: number;
}

const WORD_END = new Set([" ", "\t", "\n", ";", "&", "|", "<", ">", "(", ")"]);

/** Splits one simple command into words at unquoted blanks; operators end a word but are not returned. */
export function shellWords(command: string): ShellWord[] {
  const words: ShellWord[] = [];
  let index = 0;
  while (index < command.length) {
    const character = command[index]!;
    if (character === " " || character === "\t" || character === "\n") {
      index++;
      continue;
    }
    const end = wordEnd(command, index, new Set([" ", "\t", "\n"]));
    words.push({ raw: command.slice(index, end), start: index });
    index = end;
  }
  return words;
}

export type Quote = "'" | '"' | undefined;

/**
 * One step of reading a command the way the shell quotes it: whether the
 * character at `index` is plain (outside quotes, not escaped, not a quote
 * itself), the quoting after it, and the index to go on from (past an escaped
 * character). Every scanner here reads quotes through this one function.
 */
export function readQuoting(
  command: string,
  index: number,
  quote: Quote,
): { plain: boolean; quote: Quote; index: number } {
  const character = command[index]!;
  if (quote === "'") return { plain: false, quote: character === "'" ? undefined : quote, index };
  if (character === "\\") return { plain: false, quote, index: index + 1 };
  if (quote === '"') return { plain: false, quote: character === '"' ? undefined : quote, index };
  if (character === "'" || character === '"') return { plain: false, quote: character, index };
  return { plain: true, quote, index };
}

/** Where the word starting at `start` ends: the first unquoted character of `stops`, skipping quotes, escapes and `$(…)`. */
function wordEnd(command: string, start: number, stops: Set<string>): number {
  let quote: Quote;
  let depth = 0;
  for (let index = start; index < command.length; index++) {
    const step = readQuoting(command, index, quote);
    quote = step.quote;
    index = step.index;
    if (!step.plain) continue;
    const character = command[index]!;
    if (character === "(" && command[index - 1] === "$") depth++;
    else if (character === ")" && depth > 0) depth--;
    else if (depth === 0 && stops.has(character)) return index;
  }
  return command.length;
}

/** A word as the shell passes it on: quotes removed, backslash escapes resolved (no expansion). */
export function unquote(word: string): string {
  let result = "";
  let quote: "'" | '"' | undefined;
  for (let index = 0; index < word.length; index++) {
    const character = word[index]!;
    if (quote === "'") {
      if (character === "'") quote = undefined;
      else result += character;
    } else if (character === "\\") {
      const next = word[index + 1];
      // Inside double quotes a backslash only escapes these; elsewhere it escapes anything.
      if (next !== undefined && (quote !== '"' || '$`"\\\n'.includes(next))) {
        if (next !== "\n") result += next;
        index++;
      } else {
        result += character;
      }
    } else if (quote === '"') {
      if (character === '"') quote = undefined;
      else result += character;
    } else if (character === "'" || character === '"') {
      quote = character;
    } else {
      result += character;
    }
  }
  return result;
}

/** Shell keywords and prefixes that run the command after them, with no options of their own. */
const PLAIN_PREFIXES = new Set(["then", "do", "else", "elif", "if", "while", "until", "!", "builtin"]);

/**
 * Wrappers that run the command after their options. For each: the options
 * that take a separate argument (so `sudo -u root rm` skips `root` too), and
 * whether `NAME=value` words may come before the command.
 */
const WRAPPERS: Record<string, { argumentOptions: string[]; assignments?: boolean; positional?: number }> = {
  command: { argumentOptions: [] },
  exec: { argumentOptions: ["-a"] },
  time: { argumentOptions: ["-f", "-o", "--format", "--output"] },
  nohup: { argumentOptions: [] },
  sudo: {
    argumentOptions: [
      "-u",
      "-g",
      "-C",
      "-h",
      "-p",
      "-U",
      "-r",
      "-t",
      "-D",
      "-R",
      "-T",
      "--user",
      "--group",
      "--close-from",
      "--host",
      "--prompt",
      "--other-user",
      "--role",
      "--type",
      "--chdir",
      "--chroot",
      "--command-timeout",
    ],
    assignments: true,
  },
  doas: { argumentOptions: ["-u", "-C"] },
  env: { argumentOptions: ["-u", "-C", "--unset", "--chdir"], assignments: true },
  xargs: {
    argumentOptions: [
      "-a",
      "-d",
      "-E",
      "-I",
      "-L",
      "-n",
      "-P",
      "-s",
      "--arg-file",
      "--delimiter",
      "--max-lines",
      "--max-args",
      "--max-procs",
      "--max-chars",
      "--process-slot-var",
    ],
  },
  nice: { argumentOptions: ["-n", "--adjustment"] },
  setsid: { argumentOptions: [] },
  stdbuf: { argumentOptions: ["-i", "-o", "-e"] },
  // `timeout 10 rm x`: the duration comes before the command.
  timeout: { argumentOptions: ["-s", "-k", "--signal", "--kill-after"], positional: 1 },
};

const SHELLS = new Set(["sh", "bash", "zsh", "dash", "ksh"]);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

export interface UnwrappedCommand {
  /** The command after each prefix removed, outermost first: `sudo env A=1 rm x` gives `env A=1 rm x`, `A=1 rm x`, `rm x`. */
  stages: string[];
  /** Command text a wrapper runs as a string: `sh -c '…'`, `eval …`, `env -S '…'`. */
  scripts: string[];
}

/**
 * Peels keywords (`then`, `do`, `if`, `!` …), groupers (`(`, `{`), leading
 * `NAME=value` assignments and wrappers (`sudo`, `env`, `xargs`, `nohup`,
 * `time`, `command`, `exec` …) off one simple command, so a deny rule sees
 * the command that really runs. Also gives the command with its name
 * unquoted (`\rm`, `"rm"`) or without its directory (`/bin/rm`).
 */
export function unwrapCommand(command: string): UnwrappedCommand {
  const stages: string[] = [];
  const scripts: string[] = [];
  let current = command.trim();
  // Bounded: each round removes at least one character.
  for (let round = 0; round < 64 && current; round++) {
    const stripped = stripOnce(current, scripts);
    const plainName = commandNameVariant(current);
    if (plainName !== undefined) stages.push(plainName);
    if (stripped === undefined) break;
    current = stripped.trim();
    if (current) stages.push(current);
  }
  return { stages, scripts };
}

function stripOnce(command: string, scripts: string[]): string | undefined {
  const first = command[0];
  if (first === "(" || first === "{") return command.slice(1);
  const words = shellWords(command);
  const name = words[0];
  if (!name) return undefined;
  const rest = (index: number) => (index < words.length ? command.slice(words[index]!.start) : "");
  if (ASSIGNMENT.test(name.raw)) return rest(1);
  const plain = baseName(unquote(name.raw));
  if (PLAIN_PREFIXES.has(plain)) return rest(1);
  if (plain === "eval") {
    scripts.push(
      words
        .slice(1)
        .map((word) => unquote(word.raw))
        .join(" "),
    );
    return rest(1);
  }
  if (SHELLS.has(plain)) {
    const scriptAt = words.findIndex((word, index) => index > 0 && /^-[A-Za-z]*c[A-Za-z]*$/.test(word.raw));
    const script = scriptAt > 0 ? words[scriptAt + 1] : undefined;
    if (script) scripts.push(unquote(script.raw));
    return undefined;
  }
  const wrapper = WRAPPERS[plain];
  if (!wrapper) return undefined;
  let index = 1;
  let positional = wrapper.positional ?? 0;
  while (index < words.length) {
    const word = unquote(words[index]!.raw);
    if (word === "--") {
      index++;
      break;
    }
    if (plain === "env" && (word === "-S" || word.startsWith("--split-string"))) {
      const inline = word.startsWith("--split-string=") ? word.slice("--split-string=".length) : undefined;
      const script = inline ?? (words[index + 1] ? unquote(words[index + 1]!.raw) : "");
      if (script) scripts.push(script);
      return undefined;
    }
    if (word.startsWith("-") && word.length > 1) {
      index += wrapper.argumentOptions.includes(word) ? 2 : 1;
      continue;
    }
    if (wrapper.assignments && ASSIGNMENT.test(word)) {
      index++;
      continue;
    }
    if (positional > 0) {
      positional--;
      index++;
      continue;
    }
    break;
  }
  return rest(index) || undefined;
}

/** The command with its name as the shell runs it (`\rm` → `rm`, `/usr/bin/rm` → `rm`), when that differs. */
function commandNameVariant(command: string): string | undefined {
  const name = shellWords(command)[0];
  if (!name) return undefined;
  const plain = baseName(unquote(name.raw));
  if (!plain || plain === name.raw) return undefined;
  return plain + command.slice(name.start + name.raw.length);
}

function baseName(word: string): string {
  return word.startsWith("/") ? word.slice(word.lastIndexOf("/") + 1) : word;
}

/** A redirection target: the word as the shell would read it, or undefined when it cannot be known without running the shell. */
export interface RedirectTarget {
  raw: string;
  path: string | undefined;
}

/**
 * Files one simple command writes by redirection: `>`, `>>`, `>|`, `&>`,
 * `&>>`, `2>`, `>&file` and `<>` (opens for writing too). `>&2` and `>&-`
 * duplicate or close a descriptor and write no file. A target holding `$`,
 * a backtick or a glob character is expanded by the shell, so its path is
 * unknown.
 */
export function outputRedirections(command: string): RedirectTarget[] {
  const targets: RedirectTarget[] = [];
  let quote: Quote;
  for (let index = 0; index < command.length; index++) {
    const step = readQuoting(command, index, quote);
    quote = step.quote;
    index = step.index;
    if (!step.plain) continue;
    const character = command[index]!;
    const next = command[index + 1];
    const opensForWriting = character === ">" || (character === "<" && next === ">");
    if (!opensForWriting || next === "(") continue;
    let cursor = index + 1;
    let duplicates = false;
    if (character === "<") cursor++;
    else if (next === ">" || next === "|") cursor++;
    else if (next === "&") {
      cursor++;
      duplicates = true;
    }
    while (command[cursor] === " " || command[cursor] === "\t") cursor++;
    const end = wordEnd(command, cursor, WORD_END);
    const raw = command.slice(cursor, end);
    index = Math.max(index, end - 1);
    // `>&2`, `>&-`: a descriptor, not a file.
    if (duplicates && /^(?:\d+-?|-)$/.test(raw)) continue;
    targets.push({ raw, path: raw && !/[$`*?[\]{}]/.test(raw) ? unquote(raw) : undefined });
  }
  return targets;
}
