import { gitConfigCommand, isCommandVariable, splitAssignment } from "./command-settings.ts";
import type { ShellWord } from "./words.ts";

/**
 * What a command runs besides itself. Wrappers (`sudo`, `env`, `xargs`,
 * `timeout` …) run the command in their arguments; shells, `eval` and
 * friends run text; `find -exec` runs a command per file; a shell with
 * no script reads its commands from stdin. Deny rules look at what runs;
 * allow rules must name it (see permission-rules).
 */
export type Delegation =
  /** Words from `at` (to `end`, exclusive, when set) run as a command. */
  | { kind: "command"; at: number; end?: number }
  /** The word at `at` (or all words from it, for eval) runs as shell text; unset when not literal. */
  | { kind: "script"; at: number; text: string | undefined }
  /** The word at `at` names a script file to run: its content is not read here. */
  | { kind: "file"; at: number }
  /** Commands come from stdin, or from a file that is not named literally: unknowable here. */
  | { kind: "stdin"; at: number };

interface WrapperSpec {
  /** Options that take the next word as their argument (`sudo -u root`). */
  optionsWithArgument?: string[];
  /** `NAME=value` words may come before the command (`env A=1 rm`). */
  assignments?: boolean;
  /** Plain arguments before the command (`timeout 10 rm`, `flock file rm`). */
  positional?: number;
  /** Options whose argument is shell text (`flock -c '…'`, `su -c '…'`, `env -S '…'`). */
  scriptOptions?: string[];
}

const WRAPPERS: Record<string, WrapperSpec> = {
  builtin: {},
  // `busybox touch x`, `busybox sh -c '…'`: the applet is the command.
  busybox: {},
  command: {},
  coproc: {},
  exec: { optionsWithArgument: ["-a"] },
  time: { optionsWithArgument: ["-f", "-o", "--format", "--output"] },
  nohup: {},
  setsid: {},
  unbuffer: {},
  sudo: {
    optionsWithArgument: [
      ...["-u", "-g", "-C", "-h", "-p", "-U", "-r", "-t", "-D", "-R", "-T"],
      ...["--user", "--group", "--close-from", "--host", "--prompt", "--other-user", "--role", "--type"],
      ...["--chdir", "--chroot", "--command-timeout"],
    ],
    assignments: true,
  },
  doas: { optionsWithArgument: ["-u", "-C"] },
  su: { optionsWithArgument: ["-s", "--shell", "-g", "--group", "-G"], scriptOptions: ["-c", "--command"] },
  runuser: { optionsWithArgument: ["-u", "--user", "-g", "-G"], scriptOptions: ["-c", "--command"] },
  env: {
    optionsWithArgument: ["-u", "-C", "--unset", "--chdir"],
    assignments: true,
    scriptOptions: ["-S", "--split-string"],
  },
  xargs: {
    optionsWithArgument: [
      ...["-a", "-d", "-E", "-I", "-L", "-n", "-P", "-s"],
      ...["--arg-file", "--delimiter", "--max-lines", "--max-args", "--max-procs", "--max-chars"],
      "--process-slot-var",
    ],
  },
  nice: { optionsWithArgument: ["-n", "--adjustment"] },
  ionice: { optionsWithArgument: ["-c", "-n", "-p", "-P", "-u", "--class", "--classdata"] },
  stdbuf: { optionsWithArgument: ["-i", "-o", "-e"] },
  chroot: { optionsWithArgument: ["--userspec", "--groups"], positional: 1 },
  taskset: { positional: 1 },
  timeout: { optionsWithArgument: ["-s", "-k", "--signal", "--kill-after"], positional: 1 },
  flock: {
    optionsWithArgument: ["-w", "-E", "--timeout", "--wait", "--conflict-exit-code"],
    positional: 1,
    scriptOptions: ["-c", "--command"],
  },
  script: { optionsWithArgument: ["-E", "-I", "-O", "-T", "-B", "-t"], scriptOptions: ["-c", "--command"] },
  sg: { positional: 1, scriptOptions: ["-c"] },
  strace: {
    optionsWithArgument: ["-o", "-e", "-p", "-s", "-u", "-E", "-a", "-b", "-I", "-O", "-S", "-X", "-P"],
  },
  ltrace: { optionsWithArgument: ["-o", "-e", "-p", "-s", "-u", "-n", "-a", "-A", "-D", "-F", "-l", "-x"] },
  valgrind: {},
  pkexec: { optionsWithArgument: ["--user"] },
  unshare: { optionsWithArgument: ["-S", "-G", "--setuid", "--setgid"] },
  setpriv: {},
  firejail: {},
  proxychains: { optionsWithArgument: ["-f"] },
  proxychains4: { optionsWithArgument: ["-f"] },
  torsocks: { optionsWithArgument: ["-u", "-p", "-a", "-P"] },
  chronic: {},
  nsenter: { optionsWithArgument: ["-t", "--target", "-S", "-G"] },
  // `chrt [-f|-r …] PRIO cmd`: the priority comes first (`chrt -p PRIO PID` runs nothing new).
  chrt: {
    optionsWithArgument: ["-T", "-P", "-D", "--sched-runtime", "--sched-period", "--sched-deadline"],
    positional: 1,
  },
  // `prlimit --nofile=64 cmd` (limits are attached; `-p PID` changes a running process instead).
  prlimit: { optionsWithArgument: ["-p", "--pid", "-o", "--output"] },
  fakeroot: { optionsWithArgument: ["-l", "--lib", "--faked", "-s", "-i", "-b"] },
  // The dynamic loader run directly (`/lib64/ld-linux-x86-64.so.2 /usr/bin/touch x`): the next word is the program.
  "ld.so": {
    optionsWithArgument: [
      ...["--library-path", "--inhibit-rpath", "--audit", "--preload", "--argv0", "--glibc-hwcaps-prefix"],
    ],
  },
  "systemd-run": {
    optionsWithArgument: [
      ...["-p", "--property", "-u", "--unit", "-E", "--setenv", "--uid", "--gid", "-M", "--machine"],
      ...["--working-directory", "--description", "--slice", "-H", "--host"],
    ],
  },
};

const SHELLS = new Set(["sh", "bash", "zsh", "dash", "ksh", "mksh", "ash"]);
/** Commands that run shell text or a file given to them. */
const RUNS_TEXT = new Set([...SHELLS, "eval", "source", "."]);
/** Options of a shell that take the next word (`bash -o pipefail`, `bash --rcfile x`). */
const SHELL_OPTIONS_WITH_ARGUMENT = new Set(["-o", "+o", "-O", "+O", "--rcfile", "--init-file"]);
/** `ld.so`, `ld-linux.so.2`, `ld-linux-x86-64.so.2`, `ld-linux-aarch64.so.1`. */
const DYNAMIC_LOADER = /^ld(?:-linux[\w.-]*)?\.so(?:\.\d+)*$/;
/** Paths that are stdin: `source /dev/stdin` runs what the pipe sends. */
export const STDIN_PATHS = new Set(["-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"]);

/** A command name as bash looks it up: `/usr/bin/rm` and `./rm` run as `rm` does for the rules. */
export function commandName(word: ShellWord | undefined): string | undefined {
  const value = word?.value;
  if (value === undefined) return undefined;
  return value.includes("/") ? value.slice(value.lastIndexOf("/") + 1) : value;
}

/** What the command made of words[from…] runs besides itself. */
export function delegationsOf(words: ShellWord[], from: number): Delegation[] {
  const name = commandName(words[from]);
  if (name === undefined) return [];
  if (name === "eval") return evalScript(words, from);
  if (name === "source" || name === ".") return sourcedFile(words, from + 1);
  if (SHELLS.has(name)) return shellScript(words, from + 1, from);
  if (name === "find") return findExec(words, from);
  if (name === "watch") return watchScript(words, from);
  if (name === "trap") return trapScript(words, from);
  if (name === "mapfile" || name === "readarray") return callbackScript(words, from);
  // `at now` and `batch` run the commands they read from stdin (or from `-f file`) later.
  if (name === "at" || name === "batch") {
    const file = words.findIndex((word, index) => index > from && word.value === "-f");
    return file > 0 ? sourcedFile(words, file + 1) : [{ kind: "stdin", at: from }];
  }
  if (name === "alias") return aliasValues(words, from);
  if (name === "git") return gitSettings(words, from);
  const spec = WRAPPERS[DYNAMIC_LOADER.test(name) ? "ld.so" : name];
  if (!spec) return [];
  const delegations = wrapped(words, from, name, spec);
  // A bare `fakeroot` starts a shell, which reads its commands from stdin.
  if (name === "fakeroot" && !delegations.some((delegation) => delegation.kind !== "script"))
    return [...delegations, { kind: "stdin", at: from }];
  return delegations;
}

function scriptAt(words: ShellWord[], at: number): Delegation {
  return { kind: "script", at, text: words[at]?.value };
}

/** `eval a b` runs the words joined by spaces. */
function evalScript(words: ShellWord[], from: number): Delegation[] {
  const rest = words.slice(words[from + 1]?.value === "--" ? from + 2 : from + 1);
  if (rest.length === 0) return [];
  const literal = rest.every((word) => word.value !== undefined);
  return [
    {
      kind: "script",
      at: words.length - 1,
      text: literal ? rest.map((word) => word.value).join(" ") : undefined,
    },
  ];
}

function sourcedFile(words: ShellWord[], at: number): Delegation[] {
  const file = words[at];
  if (!file || file.value === undefined || STDIN_PATHS.has(file.value)) return [{ kind: "stdin", at }];
  return [{ kind: "file", at }];
}

/** `bash [options] -c script`, `bash [options] file`, or `bash` reading stdin. */
function shellScript(words: ShellWord[], start: number, from: number): Delegation[] {
  let takesScript = false;
  let index = start;
  for (; index < words.length; index++) {
    const value = words[index]!.value;
    if (value === undefined) return [{ kind: "stdin", at: index }];
    if (value === "--" || value === "-") {
      if (value === "--") index++;
      break;
    }
    if (!/^[-+]./.test(value)) break;
    if (SHELL_OPTIONS_WITH_ARGUMENT.has(value)) index++;
    else if (/^-[A-Za-z]*c[A-Za-z]*$/.test(value)) takesScript = true;
    else if (/^-[A-Za-z]*s[A-Za-z]*$/.test(value)) return [{ kind: "stdin", at: index }];
  }
  if (takesScript) return [scriptAt(words, index)];
  if (index >= words.length) return [{ kind: "stdin", at: Math.max(from, words.length - 1) }];
  return sourcedFile(words, index);
}

/**
 * `git -c core.pager='…' log`, `git -c alias.x='!…' x`: settings whose value
 * is a command, read as the script it is so deny rules match it. (Any `-c`
 * at all is also unresolved: see code-runners.)
 */
function gitSettings(words: ShellWord[], from: number): Delegation[] {
  const delegations: Delegation[] = [];
  for (let index = from + 1; index < words.length; index++) {
    const value = words[index]!.value;
    if (value === "-c") {
      const setting = words[index + 1]?.value;
      const command = setting === undefined ? undefined : gitConfigCommand(setting);
      if (command) delegations.push({ kind: "script", at: index + 1, text: command.text });
      index++;
    } else if (value === undefined || !value.startsWith("-")) {
      break;
    }
  }
  return delegations;
}

/** `trap [--] 'commands' SIGNAL…`; `trap -p` and `trap -l` only print. */
function trapScript(words: ShellWord[], from: number): Delegation[] {
  let at = from + 1;
  if (words[at]?.value === "--") at++;
  const first = words[at];
  if (!first || first.value === "-p" || first.value === "-l") return [];
  return [scriptAt(words, at)];
}

/** `mapfile -C 'commands' -c 1 array`: the callback runs as shell text. */
function callbackScript(words: ShellWord[], from: number): Delegation[] {
  for (let index = from + 1; index < words.length; index++) {
    const value = words[index]!.value;
    if (value === undefined) return [{ kind: "stdin", at: index }];
    if (value === "-C") return [scriptAt(words, index + 1)];
    if (value.startsWith("-C")) return [{ kind: "script", at: index, text: value.slice(2) }];
  }
  return [];
}

/** `find … -exec cmd {} ;` (also -execdir, -ok, -okdir): each runs a command. */
function findExec(words: ShellWord[], from: number): Delegation[] {
  const delegations: Delegation[] = [];
  for (let index = from + 1; index < words.length; index++) {
    if (!["-exec", "-execdir", "-ok", "-okdir"].includes(words[index]!.value ?? "")) continue;
    let end = index + 1;
    while (end < words.length && words[end]!.value !== ";" && words[end]!.value !== "+") end++;
    if (end > index + 1) delegations.push({ kind: "command", at: index + 1, end });
    index = end;
  }
  return delegations;
}

/** `watch [options] cmd args` runs its arguments joined, through `sh -c`. */
function watchScript(words: ShellWord[], from: number): Delegation[] {
  let index = from + 1;
  while (index < words.length && (words[index]!.value ?? "").startsWith("-")) {
    index += ["-n", "--interval", "-d", "-q", "--equexit"].includes(words[index]!.value!) ? 2 : 1;
  }
  const rest = words.slice(index);
  if (rest.length === 0) return [];
  const literal = rest.every((word) => word.value !== undefined);
  return [
    { kind: "script", at: words.length - 1, text: literal ? rest.map((w) => w.value).join(" ") : undefined },
  ];
}

/** `alias ll='rm -rf'`: the value runs wherever the alias is used later. */
function aliasValues(words: ShellWord[], from: number): Delegation[] {
  return words.slice(from + 1).flatMap((word, offset): Delegation[] => {
    if (word.value === undefined) return [{ kind: "script", at: from + 1 + offset, text: undefined }];
    const equals = word.value.indexOf("=");
    return equals > 0 ? [{ kind: "script", at: from + 1 + offset, text: word.value.slice(equals + 1) }] : [];
  });
}

function wrapped(words: ShellWord[], from: number, name: string, spec: WrapperSpec): Delegation[] {
  let index = from + 1;
  let positional = spec.positional ?? 0;
  let replacesArguments = false;
  const settings: Delegation[] = [];
  while (index < words.length) {
    const value = words[index]!.value;
    // `sudo $c` or `env "$@"`: what runs is not known.
    if (value === undefined) return [{ kind: "stdin", at: index }];
    if (value === "--") {
      index++;
      break;
    }
    const script = scriptOption(value, spec);
    if (script !== undefined) {
      return script.inline
        ? [{ kind: "script", at: index, text: script.inline }]
        : [scriptAt(words, index + 1)];
    }
    if (value.startsWith("-") && value.length > 1) {
      if (name === "xargs" && /^(?:-I|-i|--replace)/.test(value)) replacesArguments = true;
      index += spec.optionsWithArgument?.includes(value) ? 2 : 1;
      continue;
    }
    // env and sudo take any word holding `=` as a setting (`env A,B=1 rm` runs rm), not just NAME=value.
    if (spec.assignments && value.indexOf("=") > 0) {
      // `env GIT_SSH_COMMAND='…' git fetch`: the value runs too.
      const assignment = splitAssignment(value);
      if (assignment && isCommandVariable(assignment[0]))
        settings.push({ kind: "script", at: index, text: assignment[1] });
      index++;
      continue;
    }
    // `coproc NAME { …; }`: the name and the brace come before the commands.
    if (name === "coproc" && (value === "{" || words[index + 1]?.value === "{")) {
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
  if (index >= words.length) return settings;
  // `xargs -I{} sh -c '{}'`: stdin text lands inside the script or the name.
  const inner = commandName(words[index]);
  if (replacesArguments && (inner === undefined || inner.includes("{") || RUNS_TEXT.has(inner))) {
    return [...settings, { kind: "stdin", at: index }];
  }
  return [...settings, { kind: "command", at: index }];
}

/**
 * Whether a word is one of the wrapper's script options: `-c` (the script
 * is the next word, also at the end of a cluster: `su -lc '…'`), `-c'…'`
 * or `--command='…'` (the script is attached).
 */
function scriptOption(value: string, spec: WrapperSpec): { inline?: string } | undefined {
  for (const option of spec.scriptOptions ?? []) {
    if (value === option) return {};
    if (option.startsWith("--")) {
      if (value.startsWith(`${option}=`)) return { inline: value.slice(option.length + 1) };
      continue;
    }
    if (/^-[A-Za-z]+$/.test(value) && value.endsWith(option.slice(1))) return {};
    if (value.startsWith(option)) return { inline: value.slice(option.length) };
  }
  return undefined;
}
