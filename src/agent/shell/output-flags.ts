import { type ShellWord, splitOptionValue } from "./words.ts";
import { commandName } from "./wrappers.ts";

/**
 * Files a command writes through its own options rather than a redirection:
 * `git diff --output=x`, `curl -o x`, `sort -o x`, `gcc -o x`, `tee x`,
 * `dd of=x`. A prefix allow rule (`Bash(git diff:*)`) vouches for the
 * command, not for where it writes, so these are judged like `> x`.
 * Each target is a path, or undefined when it is not literal.
 */

/** Long options that name an output file or folder, for any command. */
const LONG_OUTPUT_OPTIONS = [
  "--output",
  "--output-file",
  "--output-document",
  "--output-directory",
  "--output-dir",
  "--outfile",
  "--out-file",
  "--outdir",
  "--out-dir",
  "--log-file",
  "--logfile",
  "--dump-header",
  "--cookie-jar",
  "--trace",
  "--trace-ascii",
  "--stderr",
  "--append-output",
  "--directory-prefix",
  "--save-cookies",
  "--etag-save",
];

/**
 * Long options named for where output goes, for any command: a part
 * `output`, `out`, `outdir`, `target`, `dest`, `destination`, `directory`,
 * `dir`, `prefix` or `root` (`--output-directory`, `--target-directory`,
 * `--pack-destination`, `--directory-prefix`, `--install-dir`, `--root`,
 * `--prefix`, `--git-dir`, `--work-tree` …). A value that is not a path
 * (`--target=es2020`, `--output-format json`) resolves inside the project
 * and changes nothing; an absolute, `~` or `../` one asks.
 */
const OUTPUT_PARTS =
  /(?:^|-)(?:output|out|outdir|outfile|target|dest|destination|directory|dir|prefix|root|tree)(?:-|$)/i;

/** Short options that take an output path, per command. */
const SHORT_OUTPUT_OPTIONS: Record<string, string> = {
  curl: "oDc",
  wget: "oOaP",
  sort: "o",
  gcc: "o",
  "g++": "o",
  cc: "o",
  "c++": "o",
  clang: "o",
  "clang++": "o",
  ld: "o",
  as: "o",
  go: "o",
  rustc: "o",
  zig: "o",
  nasm: "o",
  pandoc: "o",
  tar: "fC",
  // `git archive -o`, `git format-patch -o`, and `git -C dir` (a command run in another folder).
  git: "oC",
  unzip: "d",
  csplit: "f",
  pip: "t",
  pip3: "t",
  patch: "o",
  make: "C",
  // `zip out.zip …`, `7z a out.7z`: handled as operands below; `jar -cf`.
  jar: "f",
};

/** git subcommands whose operands are where they write: the words after the subcommand (and its own verb). */
const GIT_WRITES_OPERANDS: Record<string, { verb?: string; operand: "first" | "last" }> = {
  init: { operand: "first" },
  clone: { operand: "last" },
  worktree: { verb: "add", operand: "first" },
  bundle: { verb: "create", operand: "first" },
};
/** git options (global and of those subcommands) that take the next word. */
const GIT_OPTIONS_WITH_ARGUMENT = new Set([
  ...["-C", "-c", "--git-dir", "--work-tree", "--namespace", "-b", "-B", "--branch", "--depth", "-o"],
  ...["--origin", "--reference", "--separate-git-dir", "--template", "-u", "--upload-pack", "--config"],
  ...["--shallow-since", "--shallow-exclude", "--filter", "--reason", "--orphan", "-j", "--jobs"],
]);

/** find's actions that write to a file named by the next word. */
const FIND_OUTPUT_ACTIONS = new Set(["-fprint", "-fprint0", "-fprintf", "-fls"]);

export function outputFlagTargets(
  words: ShellWord[],
  from: number,
  end = words.length,
): Array<string | undefined> {
  const name = commandName(words[from]);
  if (name === undefined) return [];
  const targets: Array<string | undefined> = [];
  const args = words.slice(from + 1, end);
  const shortOptions = SHORT_OUTPUT_OPTIONS[name] ?? "";
  for (let index = 0; index < args.length; index++) {
    const word = args[index]!;
    const value = word.value;
    const next = () => args[index + 1]?.value;
    if (value === undefined) continue;
    if (name === "tee" && !value.startsWith("-")) targets.push(value);
    else if (name === "dd" && value.startsWith("of=")) targets.push(value.slice(3));
    else if (name === "find" && FIND_OUTPUT_ACTIONS.has(value)) targets.push(next());
    else if (value.startsWith("--")) {
      const [option, inline] = splitOptionValue(value);
      if (LONG_OUTPUT_OPTIONS.includes(option) || OUTPUT_PARTS.test(option.slice(2)))
        targets.push(inline ?? next());
      else if (name === "tar" && (option === "--file" || option === "--directory"))
        targets.push(inline ?? next());
    } else if (shortOptions && /^-[A-Za-z0-9]/.test(value)) {
      // A cluster such as `-sSLo file` or `-ofile`: the path follows the option letter.
      const letters = value.slice(1);
      const at = [...letters].findIndex((letter) => shortOptions.includes(letter));
      if (at >= 0) targets.push(at === letters.length - 1 ? next() : letters.slice(at + 1));
    } else if (name === "tar" && index === 0 && /^[A-Za-z]*[fC][A-Za-z]*$/.test(value)) {
      // Old-style `tar czf out.tgz …`: the first word is a cluster without a dash.
      targets.push(next());
    }
  }
  if (name === "git") targets.push(...gitOperandTargets(args));
  return targets;
}

/** `git clone url /x`, `git init /x`, `git worktree add /x`, `git bundle create /x HEAD`: the path is written. */
function gitOperandTargets(args: ShellWord[]): Array<string | undefined> {
  const operands: Array<string | undefined> = [];
  for (let index = 0; index < args.length; index++) {
    const value = args[index]!.value;
    if (value?.startsWith("-") && value !== "-") {
      if (GIT_OPTIONS_WITH_ARGUMENT.has(value)) index++;
      continue;
    }
    operands.push(value);
  }
  const [subcommand, ...rest] = operands;
  const spec = subcommand === undefined ? undefined : GIT_WRITES_OPERANDS[subcommand];
  if (!spec) return [];
  const paths = spec.verb ? (rest[0] === spec.verb ? rest.slice(1) : []) : rest;
  // `git clone url` alone writes a folder named after the url, in the current one.
  if (spec.operand === "last") return paths.length >= 2 ? [paths.at(-1)] : [];
  return paths.length > 0 ? [paths[0]] : [];
}
