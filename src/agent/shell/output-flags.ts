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
};

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
      if (LONG_OUTPUT_OPTIONS.includes(option)) targets.push(inline ?? next());
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
  return targets;
}
