import type { Command } from "commander";
import { editDistance } from "../core/edit-distance.ts";
import { UserFacingError } from "../core/errors.ts";
import { SUBCOMMANDS } from "./subcommand-names.ts";

/**
 * Mistyped commands. `tacit memory frobnicate` used to reach the default
 * subcommand (`list`) and fail with "too many arguments for 'list'", and
 * `tacit sesions` opened the TUI and sent "sesions" to the model as a paid
 * prompt. Here an unknown subcommand is named as such, and a lone word close
 * to a command is never sent to the model without a yes.
 */

/** A mistake in how the command was typed: one line, exit code 2 (the usual code for usage errors). */
export class UsageError extends UserFacingError {
  override name = "UsageError";
  readonly exitCode = 2;
}

/** How many edits still count as a typo: one for short names, two from six letters on. */
function typoLimit(name: string): number {
  return name.length >= 6 ? 2 : 1;
}

/** The known name closest to word within a typo's reach, if any. */
function closestName(word: string, names: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  const lower = word.toLowerCase();
  for (const name of names) {
    const limit = typoLimit(name);
    const distance = editDistance(lower, name, limit);
    if (distance <= limit && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/**
 * Throws a UsageError when argv names a command group (`memory`, `sessions`)
 * followed by a word that is none of its subcommands. Commander would hand
 * that word to the group's default subcommand as an argument instead.
 */
export function rejectUnknownSubcommand(program: Command, given: readonly string[]): void {
  const args = withoutRootOptions(program, given);
  const [groupName, word] = args;
  // `tacit memroy list`: several bare words, the first close to a command (a prompt is one quoted word).
  if (groupName !== undefined && word !== undefined && !groupName.startsWith("-")) {
    const known = program.commands.map((command) => command.name());
    const meant = known.includes(groupName) ? undefined : closestName(groupName, known);
    if (meant) throw new UsageError(`unknown command "${groupName}"; did you mean "tacit ${meant}"?`);
  }
  if (groupName === undefined) return;
  rejectUnknownIn(
    program.commands.find((command) => command.name() === groupName),
    args.slice(1),
    groupName,
  );
}

/**
 * argv from the command word on: the root's own options before it (`--model x memory lst`), each
 * with its value when it takes one, are skipped, so a typo after them is named as one too.
 */
function withoutRootOptions(program: Command, args: readonly string[]): readonly string[] {
  let index = 0;
  while (index < args.length && args[index]!.startsWith("-") && args[index] !== "--") {
    const word = args[index]!;
    const flag = word.includes("=") ? word.slice(0, word.indexOf("=")) : word;
    const option = program.options.find((candidate) => candidate.long === flag || candidate.short === flag);
    // An unknown flag: leave the line as it is, for commander to name.
    if (!option) return args;
    index += option.required && !word.includes("=") ? 2 : 1;
  }
  return args.slice(index);
}

/** The same for a group's words, and a group inside it (`tacit memory inbox aprove`). */
function rejectUnknownIn(group: Command | undefined, args: readonly string[], label: string): void {
  const [word] = args;
  if (word === undefined || word.startsWith("-")) return;
  if (!group || group.commands.length === 0) return;
  const names = group.commands.flatMap((command) => [command.name(), ...command.aliases()]);
  if (names.includes(word) || word === "help") {
    const nested = group.commands.find((command) => command.name() === word);
    rejectUnknownIn(nested, args.slice(1), `${label} ${word}`);
    return;
  }
  const suggestion = closestName(word, names);
  const hint = suggestion
    ? `did you mean "${suggestion}"?`
    : `its commands are: ${group.commands.map((command) => command.name()).join(", ")}`;
  throw new UsageError(`unknown command "${word}" for "tacit ${label}"; ${hint}`);
}

/**
 * The command a lone prompt word most likely meant (`sesions` → `sessions`),
 * or undefined when the prompt is anything else. A word after `--` is a
 * prompt by choice and never questioned.
 */
export function commandLookalike(prompt: string, argv: readonly string[]): string | undefined {
  if (!/^[a-z][a-z-]{2,}$/i.test(prompt) || argv.includes("--")) return undefined;
  if (SUBCOMMANDS.includes(prompt)) return undefined;
  return closestName(prompt, SUBCOMMANDS);
}

/** The refusal when there is no one to ask (no terminal, or -p). */
export function lookalikeRefusal(prompt: string, command: string): UsageError {
  return new UsageError(
    `"${prompt}" is not a command; did you mean "tacit ${command}"? ` +
      `(to send it to the model as a prompt, put it after --: tacit -p -- ${prompt})`,
  );
}

/**
 * In a terminal: asks whether the lone word meant the command. Yes (the
 * default) runs the command; no sends the word to the model as typed.
 */
export async function askAboutLookalike(prompt: string, command: string): Promise<"command" | "prompt"> {
  const { createInterface } = await import("node:readline/promises");
  const reader = createInterface({ input: process.stdin, output: process.stderr });
  // Ctrl-C at the question ends tacit, as it would anywhere else.
  reader.on("SIGINT", () => process.exit(130));
  try {
    const answer = await reader.question(
      `tacit: "${prompt}" is not a command. Did you mean "tacit ${command}"? ` +
        `[Y/n] (n sends "${prompt}" to the model as a prompt) `,
    );
    return /^\s*n/i.test(answer) ? "prompt" : "command";
  } catch {
    // The terminal closed (Ctrl-D): nobody said yes to sending it.
    throw lookalikeRefusal(prompt, command);
  } finally {
    reader.close();
  }
}

/**
 * Commander's own usage errors (a missing argument, an unknown option, too
 * many arguments) as one line with exit code 2, like every other usage
 * mistake, instead of its two lines and exit code 1. Help and --version,
 * which commander also reports by throwing, end normally.
 */
export function usageErrorOf(error: unknown): UsageError | "done" | undefined {
  const commander = error as { code?: unknown; exitCode?: unknown; message?: unknown };
  if (typeof commander.code !== "string" || !commander.code.startsWith("commander.")) return undefined;
  if (commander.exitCode === 0) return "done";
  const message = String(commander.message).replace(/^error:\s*/, "");
  const words = /^too many arguments\. Expected 1 argument but got \d+: (.*)\.$/.exec(message)?.[1];
  if (words && !/ for '/.test(message)) {
    // Only the root takes a lone argument (the prompt): several bare words were meant as one.
    const prompt = words.split(", ").join(" ");
    return new UsageError(
      `a prompt is one argument: quote it, as in tacit "${prompt}" (or tacit -p "${prompt}")`,
    );
  }
  return new UsageError(`${message} (run tacit --help for usage)`);
}
