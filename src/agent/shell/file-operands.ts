import { type ShellWord, splitOptionValue } from "./words.ts";
import { commandName } from "./wrappers.ts";

/**
 * Files a command changes through its operands: `rm x`, `touch x`,
 * `cp a x`, `chmod +x x`, `sed -i … x`. With `Bash(rm:*)` allowed, `rm
 * build` runs but `rm -rf ~/x` must not: a prefix rule vouches for the
 * command, not for every path it is given. Each target is a path, or
 * undefined when it is not literal (or, for sed, when its script writes a
 * file of its own with `w`).
 */
interface OperandSpec {
  /** Which operands are changed: all, all but the first (a mode or owner), the last (a destination), or the second (`uniq in out`). */
  changes: "all" | "after-first" | "last" | "second";
  /** Options that take the next word as their argument. */
  optionsWithArgument?: string[];
  /** Options whose argument is the destination folder (`cp -t dir`). */
  targetOptions?: string[];
}

const COPY_OPTIONS = { optionsWithArgument: ["-S", "--suffix"], targetOptions: ["-t", "--target-directory"] };

const SPECS: Record<string, OperandSpec> = {
  rm: { changes: "all" },
  rmdir: { changes: "all" },
  unlink: { changes: "all" },
  shred: { changes: "all", optionsWithArgument: ["-n", "-s", "--iterations", "--size", "--random-source"] },
  touch: { changes: "all", optionsWithArgument: ["-d", "-r", "-t", "--date", "--reference"] },
  mkdir: { changes: "all", optionsWithArgument: ["-m", "--mode"] },
  truncate: { changes: "all", optionsWithArgument: ["-s", "-r", "--size", "--reference"] },
  chmod: { changes: "after-first" },
  chown: { changes: "after-first" },
  chgrp: { changes: "after-first" },
  cp: { changes: "last", ...COPY_OPTIONS },
  mv: { changes: "last", ...COPY_OPTIONS },
  ln: { changes: "last", ...COPY_OPTIONS },
  // The destination of a copy: `rsync a /x`, `scp a /x` (a `host:path` one is on another machine).
  rsync: { changes: "last", optionsWithArgument: ["-e", "-f", "-B", "-T", "-M", "--exclude", "--include"] },
  scp: { changes: "last", optionsWithArgument: ["-P", "-i", "-o", "-F", "-S", "-c", "-l", "-J", "-D"] },
  // `split in /x/part-`: the last operand is the prefix of the files written.
  split: {
    changes: "last",
    optionsWithArgument: ["-a", "-b", "-C", "-l", "-n", "-t", "--additional-suffix", "--filter"],
  },
  // `uniq IN OUT`, `xxd [-r] IN OUT`: a second operand is the file written.
  uniq: {
    changes: "second",
    optionsWithArgument: ["-f", "-s", "-w", "--skip-fields", "--skip-chars", "--check-chars"],
  },
  xxd: {
    changes: "second",
    optionsWithArgument: [
      ...["-c", "-cols", "-g", "-groupsize", "-l", "-len", "-o", "-offset", "-s", "-seek", "-n", "-name"],
    ],
  },
  install: {
    changes: "last",
    optionsWithArgument: ["-m", "-o", "-g", "-S", "--mode", "--owner", "--group", "--suffix"],
    targetOptions: ["-t", "--target-directory"],
  },
};

export function fileOperandTargets(
  words: ShellWord[],
  from: number,
  end = words.length,
): Array<string | undefined> {
  const name = commandName(words[from]);
  if (name === "sed") return sedTargets(words.slice(from + 1, end));
  if (name === "find") return findDeletes(words.slice(from + 1, end));
  if (name !== undefined && ["awk", "gawk", "mawk", "nawk"].includes(name)) {
    // `print > "file"` writes a file the analysis does not follow.
    const program = words.slice(from + 1, end).some((word) => /\bprintf?\b[^;}]*>/.test(word.value ?? ""));
    return program ? [undefined] : [];
  }
  const spec = name === undefined ? undefined : SPECS[name];
  if (!spec) return [];
  const operands: Array<string | undefined> = [];
  const targets: Array<string | undefined> = [];
  let optionsEnded = false;
  for (let index = from + 1; index < end; index++) {
    const value = words[index]!.value;
    if (!optionsEnded && value === "--") {
      optionsEnded = true;
      continue;
    }
    // `chmod -w file`: a mode that looks like an option is still the first operand.
    const isMode = name === "chmod" && value !== undefined && /^-[rwxXst]+$/.test(value);
    if (optionsEnded || isMode || value === undefined || !value.startsWith("-") || value === "-") {
      operands.push(value);
      continue;
    }
    const [option, inline] = value.startsWith("--") ? splitOptionValue(value) : [value, undefined];
    if (spec.targetOptions?.includes(option)) {
      targets.push(inline ?? words[index + 1]?.value);
      if (inline === undefined) index++;
    } else if (spec.optionsWithArgument?.includes(option) && inline === undefined) {
      index++;
    }
  }
  if (targets.length > 0) return targets;
  if (spec.changes === "all") return operands;
  if (spec.changes === "after-first") return operands.slice(1);
  if (spec.changes === "second") return operands.slice(1, 2);
  return operands.slice(-1);
}

/** `find paths… -delete` removes what it finds under its starting paths (`.` when none). */
function findDeletes(args: ShellWord[]): Array<string | undefined> {
  if (!args.some((word) => word.value === "-delete")) return [];
  const starts: Array<string | undefined> = [];
  for (const word of args) {
    if (word.value !== undefined && /^[-(!]/.test(word.value)) break;
    starts.push(word.value);
  }
  return starts.length > 0 ? starts : ["."];
}

/**
 * `sed -i script files…` rewrites the files; `-e`/`-f` move the script out of
 * the operands. A `w file` in the script (`s/a/b/w out`) writes a file the
 * analysis does not follow, so it counts as unknown.
 */
function sedTargets(args: ShellWord[]): Array<string | undefined> {
  let inPlace = false;
  let scriptGiven = false;
  const operands: Array<string | undefined> = [];
  const scripts: Array<string | undefined> = [];
  for (let index = 0; index < args.length; index++) {
    const value = args[index]!.value;
    if (value === undefined || !value.startsWith("-") || value === "-") {
      operands.push(value);
      continue;
    }
    if (value === "-e" || value === "--expression" || value === "-f" || value === "--file") {
      scriptGiven = true;
      scripts.push(value.includes("f") ? "" : args[index + 1]?.value);
      index++;
    } else if (value.startsWith("--expression=") || value.startsWith("--file=")) {
      scriptGiven = true;
      scripts.push(value.startsWith("--file=") ? "" : value.slice("--expression=".length));
    } else if (value.startsWith("--in-place") || /^-[A-Za-z]*i/.test(value)) {
      inPlace = true;
    } else if (value === "-l" || value === "--line-length") {
      index++;
    }
  }
  if (!scriptGiven) scripts.push(operands.shift());
  const targets: Array<string | undefined> = [];
  if (scripts.some((script) => script === undefined || writesFile(script))) targets.push(undefined);
  if (inPlace) targets.push(...operands);
  return targets;
}

/** The `w` flag of an `s` command (`s/a/b/w out`), or a `w`/`W` command (`/x/w out`, `1w out`). */
const SED_SUBSTITUTE_WRITES = /s([^\w\s\\])(?:\\.|(?!\1).)*\1(?:\\.|(?!\1).)*\1[a-zA-Z0-9]*w/;
const SED_WRITE_COMMAND = /(?:^|[;\n{}])\s*(?:[0-9$]+(?:,[0-9$]+)?|\/(?:\\.|[^/])*\/)?\s*[wW]\s*\S/;

function writesFile(script: string): boolean {
  return SED_SUBSTITUTE_WRITES.test(script) || SED_WRITE_COMMAND.test(script);
}
