import { programCode } from "./program-code.ts";
import { type ShellWord, splitOptionValue } from "./words.ts";
import { commandName, STDIN_PATHS } from "./wrappers.ts";

/**
 * Programs that run code the analysis does not read: interpreters given a
 * program (`python3 -c`, `node -e`), tools with an option whose value is a
 * command (`sort --compress-program`, `rsync -e`), editors and debuggers
 * that take commands (`vim -c`, `gdb -ex`), and builtins that change what a
 * name runs (`hash -p`). A deny rule cannot be proven not to match what
 * they run, so the gate asks (headless: refuses), and no prefix or
 * wildcard allow rule covers them; only an exact rule for the whole text.
 *
 * A script *file* given to an interpreter (`python3 build.py`, `make`) is
 * not listed: like `bash script.sh`, its content is outside the command
 * and the rule vouches for the file. Code in the command text, or read
 * from stdin, a heredoc or /dev/stdin, is what this table is about.
 */

/**
 * Options that only print and exit (`python3 --version`): alone, nothing is
 * read from stdin. With other words they do not count (`ruby -v -e …` runs
 * its program). `-v` is listed per interpreter: it is python's verbose flag.
 */
const INFORMATIONAL = new Set(["--version", "-V", "--help"]);

interface Interpreter {
  /** Options whose value is a program (`-c 'print(1)'`, `--eval=…`, `-pe '…'` ending a cluster). */
  code: string[];
  /** Options that take the next word, which is not a program (`-W error`, `-I lib`). */
  withArgument?: string[];
  /** With no program and no script file, the interpreter reads its program from stdin. */
  readsStdin: boolean;
  /** Subcommands that run a program given in the text (`deno eval '…'`). */
  codeSubcommands?: string[];
  /** Its own options that only print and exit (`node -v`), besides INFORMATIONAL. */
  informational?: string[];
}

const PYTHON: Interpreter = { code: ["-c"], withArgument: ["-W", "-X", "-Q"], readsStdin: true };
const NODE: Interpreter = {
  code: ["-e", "--eval", "-p", "--print"],
  withArgument: ["-r", "--require", "--import", "--loader", "-C", "--conditions", "--input-type"],
  readsStdin: true,
  informational: ["-v", "-h"],
};
const LUA: Interpreter = { code: ["-e"], withArgument: ["-l"], readsStdin: true };

/** Each interpreter: why it is here is always the same — its program is not shell, so not read. */
const INTERPRETERS: Record<string, Interpreter> = {
  python: PYTHON,
  python2: PYTHON,
  python3: PYTHON,
  pypy: PYTHON,
  pypy3: PYTHON,
  perl: { code: ["-e", "-E"], withArgument: ["-I", "-x"], readsStdin: true, informational: ["-v"] },
  ruby: { code: ["-e"], withArgument: ["-I", "-r", "-C", "-E"], readsStdin: true },
  irb: { code: [], readsStdin: true },
  node: NODE,
  nodejs: NODE,
  // bun and deno print help when run bare; their inline programs are `-e`/`eval`.
  bun: { code: ["-e", "--eval", "-p", "--print"], readsStdin: false },
  deno: { code: ["--eval"], readsStdin: false, codeSubcommands: ["eval", "repl"] },
  php: { code: ["-r", "-B", "-R", "-E"], withArgument: ["-c", "-d", "-z"], readsStdin: true },
  lua: LUA,
  luajit: LUA,
  R: { code: ["-e"], readsStdin: true },
  Rscript: { code: ["-e"], readsStdin: false },
  julia: { code: ["-e", "--eval", "-E", "--print"], readsStdin: true },
  osascript: { code: ["-e"], withArgument: ["-l"], readsStdin: true },
  tclsh: { code: [], readsStdin: true },
  wish: { code: [], readsStdin: true },
  expect: { code: ["-c"], readsStdin: true },
  jshell: { code: [], readsStdin: true },
  ghci: { code: ["-e"], readsStdin: true },
};
const AWKS = new Set(["awk", "gawk", "mawk", "nawk", "busybox-awk"]);

/**
 * Commands that run whatever their options, or whose every use can run
 * commands given in the text: the reason is what the user reads.
 */
const ALWAYS: Record<string, string> = {
  // gdb's `shell` command, -ex/-x/-iex, and commands typed on stdin: a debugger runs anything.
  gdb: "gdb runs commands given with -ex or -x or read from stdin (its `shell` command runs shell text)",
  lldb: "lldb runs commands given with -o or -s or read from stdin (its `platform shell` runs shell text)",
  // -c, +cmd, --cmd, -S, -s and ex mode on stdin all run ex commands, and `:!` runs shell text.
  vim: "vim runs ex commands (-c, +cmd, --cmd, -S, ex mode on stdin), and `:!` runs shell text",
  vi: "vi runs ex commands (-c, +cmd, ex mode on stdin), and `:!` runs shell text",
  nvim: "nvim runs ex commands (-c, +cmd, --cmd, -S, -l), and `:!` runs shell text",
  ex: "ex runs the ex commands it is given or reads, and `:!` runs shell text",
  view: "view runs ex commands (-c, +cmd), and `:!` runs shell text",
  vimdiff: "vimdiff runs ex commands (-c, +cmd), and `:!` runs shell text",
  emacs: "emacs runs Lisp given with --eval, -l, -f or --batch scripts",
  // new-session, new-window, send-keys, run-shell, if-shell, split-window … all take a command.
  screen: "screen runs the command it is given, or keys sent with -X stuff",
  // GNU parallel runs its arguments as shell text with the input put in.
  parallel: "parallel runs its arguments as shell text, with its input put in",
  // `hash -p /usr/bin/touch t`: the name `t` now runs touch, and rules see `t`.
  hash: "hash -p gives a program a new command name",
  // `enable -f lib.so name` loads a builtin from a shared object.
  enable: "enable -f loads a builtin from a shared object",
  // crontab installs commands that cron runs later (from stdin or a file).
  crontab: "crontab installs commands that cron runs later",
};

/** tmux subcommands that only look or stop things: any other can start a command (and `;` chains them). */
const TMUX_READ_ONLY = new Set([
  ...["ls", "list-sessions", "list-windows", "lsw", "list-panes", "lsp", "list-clients", "lsc"],
  ...["has-session", "has", "capture-pane", "capturep", "display-message", "display", "show-options"],
  ...["show", "kill-session", "kill-server", "kill-window", "killw", "kill-pane", "killp", "-V"],
]);

/** Options whose value is a command the program runs, per program. */
const COMMAND_OPTIONS: Record<string, string[]> = {
  // sort pipes its temporary files through the named program.
  sort: ["--compress-program"],
  // Each member piped to a command; a (de)compressor; scripts run at the end of a volume;
  // `--checkpoint-action=exec=CMD` (or `--checkpoint-action exec=CMD`) runs CMD at each checkpoint.
  tar: [
    ...["--to-command", "--use-compress-program", "-I", "--info-script", "-F", "--new-volume-script"],
    "--checkpoint-action",
  ],
  // A program run on each file searched (`--pre-glob` only picks the files).
  rg: ["--pre"],
  // Each piece is piped to a shell command.
  split: ["--filter"],
  // The program that asks for the password.
  wget: ["--use-askpass"],
  // The shell that runs the package's scripts.
  npm: ["--script-shell"],
  pnpm: ["--script-shell"],
  yarn: ["--script-shell"],
  // The remote shell (run locally) and the program run on the other side (locally for a local path).
  rsync: ["-e", "--rsh", "--rsync-path"],
  // The program used for the connection instead of ssh.
  scp: ["-S"],
  sftp: ["-S", "-D"],
  // The command that tests the new archive.
  zip: ["-TT", "--unzip-command"],
  // The pager and the browser are command lines.
  man: ["-P", "--pager", "-H", "--html"],
  // `make --eval='…'` adds a rule whose recipe is shell text (`-f /dev/stdin` is read by makeRuns);
  // `make -e` lets the environment override the makefile's variables (a recipe's command among them).
  make: ["--eval", "-E", "-e", "--environment-overrides"],
  // Lisp evaluated by the running emacs.
  emacsclient: ["-e", "--eval"],
};

const MAKES = new Set(["make", "gmake"]);

/** `make -f /dev/stdin <<< …`: the recipes come from the pipe or heredoc (a Makefile on disk is a script file). */
function readsMakefileFromStdin(values: Array<string | undefined>): boolean {
  return values.some((value, index) => {
    if (value === undefined) return false;
    const file =
      value === "-f" || value === "--file" || value === "--makefile"
        ? values[index + 1]
        : /^-f./.test(value)
          ? value.slice(2)
          : /^--(?:make)?file=/.test(value)
            ? value.slice(value.indexOf("=") + 1)
            : null;
    return file === undefined || (file !== null && STDIN_PATHS.has(file));
  });
}

/** git subcommands that run a command named in the text (or a tool the configuration names). */
const GIT_RUNS: Record<string, string[] | true> = {
  // The "pager" that opens the matching files is any command.
  grep: ["-O", "--open-files-in-pager"],
  // The diff command run on each pair of files.
  difftool: ["-x", "--extcmd"],
  // Runs the merge tool the configuration names (`mergetool.<tool>.cmd` is shell text).
  mergetool: true,
  // A command run after each commit is replayed.
  rebase: ["-x", "--exec"],
  // Its --*-filter options are shell text, run on every commit.
  "filter-branch": true,
  // Commands that produce recipients or send the mail.
  "send-email": ["--to-cmd", "--cc-cmd", "--header-cmd", "--sendmail-cmd", "--smtp-server"],
  // The "remote" programs run through a local shell for a local or ssh url; clone's -c sets
  // configuration in the new repository (core.fsmonitor runs on the next git command).
  clone: ["-u", "--upload-pack", "-c", "--config"],
  fetch: ["--upload-pack"],
  pull: ["--upload-pack"],
  push: ["--receive-pack", "--exec"],
  "ls-remote": ["--upload-pack"],
  archive: ["--exec"],
};
/** `git bisect run cmd`, `git submodule foreach cmd`: the command is the rest of the words. */
const GIT_RUNS_REST: Record<string, string> = { bisect: "run", submodule: "foreach" };
/** `git -c` settings that never run anything; any other key may (aliases, pagers, diff.external, hooksPath …). */
const GIT_INERT_KEYS = /^(?:user\.(?:name|email)|color\..+|advice\..+|init\.defaultbranch|core\.quotepath)$/i;
/** git's own options that take the next word. */
const GIT_OPTIONS_WITH_ARGUMENT = new Set(["-C", "--git-dir", "--work-tree", "--namespace", "--exec-path"]);

/**
 * Why words[from…end) runs code the analysis cannot read, or undefined when
 * it does not. The caller treats it as unresolved (deny) and not covered by
 * a prefix rule (allow).
 */
export function hiddenCode(words: ShellWord[], from: number, end: number): string | undefined {
  const name = commandName(words[from]);
  if (name === undefined) return undefined;
  const args = words.slice(from + 1, end);
  const values = args.map((word) => word.value);
  if (ALWAYS[name]) {
    if (name === "hash" && !values.some((value) => value === undefined || /^-\w*p/.test(value ?? "")))
      return undefined;
    if (name === "enable" && !values.some((value) => value === undefined || /^-\w*f/.test(value ?? "")))
      return undefined;
    if (name === "crontab" && values.every((value) => value === "-l" || value === "-r")) return undefined;
    return ALWAYS[name];
  }
  const program = programCode(name, values);
  if (program) return program;
  if (name === "tmux") return tmuxRuns(values);
  if (name === "git") return gitRuns(values);
  if (name === "sed") return sedRuns(values);
  if (AWKS.has(name)) return awkRuns(values);
  if (INTERPRETERS[name]) return interpreterRuns(name, INTERPRETERS[name]!, values);
  // `npx -c '…'`, `npm exec -c '…'`: shell text; options after the package name are the package's own.
  if (name === "npx") return optionRuns(name, ["-c", "--call"], optionsBeforeOperand(values));
  if ((name === "npm" || name === "pnpm") && ["exec", "x", "dlx"].includes(values[0] ?? "")) {
    const call = optionRuns(name, ["-c", "--call"], optionsBeforeOperand(values.slice(1)));
    if (call) return call;
  }
  if (name === "ssh" || name === "scp" || name === "sftp") {
    const ssh = sshRuns(values);
    if (ssh) return ssh;
  }
  if (MAKES.has(name) && readsMakefileFromStdin(values)) return `\`${name}\` reads its makefile from stdin`;
  const options = COMMAND_OPTIONS[name];
  return options ? optionRuns(name, options, values) : undefined;
}

/** The option of `options` a word uses: exact, `--opt=value`, or a short option attached or ending a cluster. */
function usesOption(value: string, options: string[]): string | undefined {
  for (const option of options) {
    if (value === option) return option;
    if (option.startsWith("--")) {
      if (splitOptionValue(value)[0] === option) return option;
    } else if (!value.startsWith("--") && value.startsWith("-") && option.length === 2) {
      // `-avze ssh`, `-essh`, `-I'zstd -d'`: a one-letter option inside a cluster takes the rest.
      if (value.slice(1).includes(option[1]!)) return option;
    } else if (value.startsWith(option)) {
      return option;
    }
  }
  return undefined;
}

/** The words up to the first operand (`npx -y eslint -c x` → `-y`). */
function optionsBeforeOperand(values: Array<string | undefined>): Array<string | undefined> {
  const at = values.findIndex((value) => value !== undefined && !value.startsWith("-"));
  return at < 0 ? values : values.slice(0, at);
}

function optionRuns(name: string, options: string[], values: Array<string | undefined>): string | undefined {
  for (const value of values) {
    // `sort $opts`: a word only known at run time may be `--compress-program=sh`.
    if (value === undefined) return `\`${name}\` is given a word only known when the shell runs`;
    if (value === "--") continue;
    const option = usesOption(value, options);
    // `tar xIf …`: old-style tar letters without a dash.
    const oldTar = name === "tar" && value === values[0] && /^[A-Za-z]*[IF][A-Za-z]*$/.test(value);
    if (option || oldTar) return `\`${name} ${option ?? value}\` runs a command given in its options`;
  }
  return undefined;
}

function interpreterRuns(
  name: string,
  spec: Interpreter,
  values: Array<string | undefined>,
): string | undefined {
  const inline = `\`${name}\` runs a program given in the command, which is not shell and is not read`;
  if (spec.codeSubcommands?.includes(values[0] ?? "")) return inline;
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    if (value === undefined) return inline;
    if (value === "--") return scriptOperand(name, spec, values[index + 1]);
    if (!value.startsWith("-") || value === "-") return scriptOperand(name, spec, value);
    if (values.length === 1 && (INFORMATIONAL.has(value) || spec.informational?.includes(value)))
      return undefined;
    if (usesOption(value, spec.code)) return inline;
    // `python3 -m pytest`: a module is run like a script file.
    if (value === "-m" && PYTHON === spec) return undefined;
    if (spec.withArgument?.includes(value)) index++;
  }
  return scriptOperand(name, spec, undefined);
}

/** The first operand is the script file: stdin when it is `-` or /dev/stdin, or when there is none. */
function scriptOperand(name: string, spec: Interpreter, operand: string | undefined): string | undefined {
  if (operand !== undefined && STDIN_PATHS.has(operand)) return `\`${name}\` reads its program from stdin`;
  if (operand === undefined && spec.readsStdin)
    return `\`${name}\` with no script file reads its program from stdin`;
  return undefined;
}

const AWK_RUNS = /\bsystem\s*\(|(?<!\|)\|(?!\|)|@\s*[A-Za-z_]\w*\s*\(/;

/**
 * awk's `system(…)` and pipes to or from commands (`print | "sh"`, `"cmd" |
 * getline`) run shell text; `awk -f /dev/stdin` takes its program from the
 * pipe or heredoc. A program file (`-f prog.awk`) is like a script file.
 */
function awkRuns(values: Array<string | undefined>): string | undefined {
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    if (value === undefined) return "awk is given a program only known when the shell runs";
    // awk joins a line ending in a backslash to the next (`system\⏎("…")`); gawk calls `@name(…)` indirectly.
    if (!value.startsWith("-") && AWK_RUNS.test(value.replace(/\\\r?\n/g, "")))
      return "awk runs shell commands from its program (system() or a pipe)";
    if (value === "-f" || value.startsWith("--file")) {
      const file = value.includes("=") ? value.slice(value.indexOf("=") + 1) : values[index + 1];
      if (file === undefined || STDIN_PATHS.has(file)) return "awk reads its program from stdin";
      index++;
    }
  }
  return undefined;
}

/** GNU sed's `e` command and the `e` flag of `s` run shell commands built from the script or the input. */
function sedRuns(values: Array<string | undefined>): string | undefined {
  const runs = values.some(
    (value) => value === undefined || SED_EXECUTE_COMMAND.test(value) || SED_EXECUTE_FLAG.test(value),
  );
  return runs ? "sed's `e` runs shell commands built from its script or input" : undefined;
}
const SED_EXECUTE_COMMAND = /(?:^|[;\n{}])\s*(?:[0-9$]+(?:,[0-9$]+)?|\/(?:\\.|[^/])*\/)?\s*e(?:\s|$|;)/;
const SED_EXECUTE_FLAG = /s([^\w\s\\])(?:\\.|(?!\1).)*\1(?:\\.|(?!\1).)*\1[a-zA-Z0-9]*e/;

function tmuxRuns(values: Array<string | undefined>): string | undefined {
  let index = 0;
  while (index < values.length && (values[index] ?? "").startsWith("-") && values[index] !== "-V")
    index += ["-L", "-S", "-f", "-c", "-T"].includes(values[index]!) ? 2 : 1;
  const subcommand = values[index];
  const chained = values.some((value) => value === undefined || value === ";" || value?.endsWith("\\;"));
  if (subcommand !== undefined && TMUX_READ_ONLY.has(subcommand) && !chained) return undefined;
  return "tmux starts a shell or runs the command it is given (new-session, send-keys, run-shell …)";
}

/** `ssh -o ProxyCommand=…` and friends run a local command. */
function sshRuns(values: Array<string | undefined>): string | undefined {
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    if (value === undefined) continue;
    const setting = value === "-o" ? values[index + 1] : value.startsWith("-o") ? value.slice(2) : undefined;
    if (setting !== undefined && /^\s*(?:proxycommand|localcommand|knownhostscommand|match)\b/i.test(setting))
      return "an ssh option (ProxyCommand, LocalCommand …) runs a local command";
    if (setting === undefined && value === "-o") return "an ssh option may run a local command";
  }
  return undefined;
}

function gitRuns(values: Array<string | undefined>): string | undefined {
  let index = 0;
  for (; index < values.length; index++) {
    const value = values[index];
    if (value === undefined) return "a git option is only known when the shell runs";
    if (value === "-c" || value === "--config-env" || value.startsWith("--config-env=")) {
      const setting = value === "-c" ? values[index + 1] : undefined;
      const key = setting?.split("=")[0];
      if (key === undefined || !GIT_INERT_KEYS.test(key))
        return "git -c sets a config value that can run commands";
      index++;
    } else if (GIT_OPTIONS_WITH_ARGUMENT.has(value)) {
      index++;
    } else if (!value.startsWith("-")) {
      break;
    }
  }
  const subcommand = values[index];
  const rest = values.slice(index + 1);
  if (subcommand === undefined) return undefined;
  if (GIT_RUNS_REST[subcommand] && rest.includes(GIT_RUNS_REST[subcommand]))
    return `\`git ${subcommand} ${GIT_RUNS_REST[subcommand]}\` runs the command that follows`;
  const runs = GIT_RUNS[subcommand];
  if (runs === true) return `\`git ${subcommand}\` runs commands the configuration or its options name`;
  if (!runs) return undefined;
  if (rest.includes(undefined)) return `\`git ${subcommand}\` is given a word only known when the shell runs`;
  const option = rest.map((value) => usesOption(value!, runs)).find((used) => used !== undefined);
  return option === undefined
    ? undefined
    : `\`git ${subcommand} ${option}\` runs a command given in its options`;
}
