/**
 * Programs whose code comes from somewhere other than an option that names
 * a command (those are in code-runners' table): make's `SHELL=` on its
 * command line, compgen's word list and callbacks, ed and sqlite3, which
 * read commands that can run shell text or write any file.
 */

/** Only print and exit: `sqlite3 --version`. */
const SQLITE_INFORMATIONAL = new Set(["-version", "--version", "-help", "--help"]);
/** `make SHELL=./evil`, `make .SHELLFLAGS='-c touch M;'`: the recipes run through the program named. */
const MAKE_SHELL_ASSIGNMENT = /^\s*(?:override\s+)?(?:SHELL|\.SHELLFLAGS|MAKESHELL)\s*(?:[:+?!]|::|:::)?=/;
/** Text bash expands in compgen's -W word list. */
const EXPANDED = /\$[({[]|`/;

/** Why the program runs code the analysis does not read, or undefined. */
export function programCode(name: string, values: Array<string | undefined>): string | undefined {
  // ed reads its commands from stdin (a pipe, heredoc or here-string), and `!cmd` runs shell text.
  if (name === "ed") return "ed runs the commands it reads from stdin, and `!` runs shell text";
  // bwrap's options are too many to read: it runs the command that follows them.
  if (name === "bwrap") return "bwrap runs a command after options too many to read";
  if (name === "sqlite3") return sqliteRuns(values);
  if (name === "compgen") return compgenRuns(values);
  if (
    (name === "make" || name === "gmake") &&
    values.some((v) => v !== undefined && MAKE_SHELL_ASSIGNMENT.test(v))
  )
    return `\`${name}\` is given the shell its recipes run through`;
  return undefined;
}

/**
 * sqlite3's dot-commands (`.shell`, `.system`, `.output`, `.once`, `-cmd`)
 * run programs or write files, and SQL (`attach`, `vacuum into`) writes any
 * file: any SQL or dot-command argument, or commands read from stdin, count.
 */
function sqliteRuns(values: Array<string | undefined>): string | undefined {
  if (values.length === 1 && SQLITE_INFORMATIONAL.has(values[0] ?? "")) return undefined;
  return "sqlite3 runs SQL and dot-commands (from its arguments or stdin) that run programs and write files";
}

/** `compgen -C cmd`, `compgen -F func`, and `compgen -W '$(…)'`, whose word list bash expands. */
function compgenRuns(values: Array<string | undefined>): string | undefined {
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    if (value === undefined) return "compgen is given a word only known when the shell runs";
    if (!value.startsWith("-") || value === "--") break;
    const letters = value.slice(1);
    const at = letters.search(/[CFW]/);
    if (at < 0) {
      // Options that take the next word: -A action, -G glob, -P prefix, -S suffix, -X filter, -o option.
      if (/[AGPSXo]$/.test(letters)) index++;
      continue;
    }
    const option = letters[at]!;
    if (option !== "W") return `\`compgen -${option}\` runs a command or function`;
    const words = at < letters.length - 1 ? letters.slice(at + 1) : values[index + 1];
    if (words === undefined || EXPANDED.test(words))
      return "compgen expands its -W word list, which runs commands";
    if (at === letters.length - 1) index++;
  }
  return undefined;
}
