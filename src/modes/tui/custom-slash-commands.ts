import type { CustomCommand } from "../../agent/custom-commands/command-files.ts";
import type { SlashCommand } from "./commands.ts";

/** Custom commands as the TUI's slash commands: listed in /help and completion, run as a prompt. */
export function customSlashCommands(commands: readonly CustomCommand[]): SlashCommand[] {
  return commands.map((command) => ({
    name: command.name,
    description: command.description,
    ...(command.argumentHint ? { argumentHint: command.argumentHint } : {}),
    run: (context) => {
      const prompt = context.host.prepareCustomCommand?.(command.name, context.argument);
      if (prompt === undefined) context.notify("error", `/${command.name} is not available in this session.`);
      else context.submitPrompt(prompt);
    },
  }));
}
