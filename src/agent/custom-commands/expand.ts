import type { CustomCommand } from "./command-files.ts";

/** A prompt that names a custom command (`/review 42 high`), expanded, with what its turn brings. */
export interface ExpandedCommand {
  command: CustomCommand;
  prompt: string;
  /** What the user typed after the name: its @mentions are the user's own, even in a repository's command. */
  argumentText: string;
}

/**
 * The custom command a prompt starts with, expanded; undefined when the prompt
 * is not `/name …` or names no custom command (then it is sent as it is, as
 * Claude Code's -p does with an unknown one).
 */
export function expandCustomCommand(
  text: string,
  commands: readonly CustomCommand[],
): ExpandedCommand | undefined {
  const match = /^\/([\w.-]+)(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return undefined;
  const command = commands.find((candidate) => candidate.name === match[1]!.toLowerCase());
  if (!command) return undefined;
  const argumentText = (match[2] ?? "").trim();
  return { command, prompt: substituteArguments(command.body, argumentText), argumentText };
}

/**
 * Claude Code's substitution: `$ARGUMENTS` is everything after the name,
 * `$1` … `$9` the words of it (quotes group words). A body with no
 * placeholder gets the arguments appended, so they are never lost. `!` lines
 * are left as text: tacit never runs a command file's shell lines (README:
 * Custom slash commands). `@file` references are left for the turn, whose
 * attachments (agent/attachments/) attach them as Claude Code does, each judged
 * by the permission gate as a Read; a command body never counts as the user's
 * paste.
 */
export function substituteArguments(body: string, argumentText: string): string {
  const words = splitWords(argumentText);
  let used = false;
  const expanded = body.replace(/\$ARGUMENTS\b|\$([1-9])(?!\d)/g, (_whole, index: string | undefined) => {
    used = true;
    return index === undefined ? argumentText : (words[Number(index) - 1] ?? "");
  });
  if (!used && argumentText) return `${expanded}\n\nARGUMENTS: ${argumentText}`;
  return expanded;
}

/** Words as a shell would split them, without expansion: "a b" and 'a b' are one word each. */
function splitWords(text: string): string[] {
  const words: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const found of text.matchAll(pattern)) words.push(found[1] ?? found[2] ?? found[3] ?? "");
  return words;
}
