import { SLASH_COMMANDS } from "./commands.ts";

/** The built-in slash commands' names and aliases: a custom command of one of these names is not used. */
export const BUILTIN_COMMAND_NAMES: ReadonlySet<string> = new Set(
  SLASH_COMMANDS.flatMap((command) => [command.name, ...(command.aliases ?? [])]),
);
