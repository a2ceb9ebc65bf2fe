import { homedir } from "node:os";
import type { TurnOptions } from "../agent/agent-session.ts";
import { type CustomCommandCatalog, loadCustomCommands } from "../agent/custom-commands/command-files.ts";
import { expandCustomCommand } from "../agent/custom-commands/expand.ts";
import type { AgentEvent } from "../core/events.ts";
import type { Runtime } from "./bootstrap.ts";
import { customCommandTurn } from "./custom-command-turn.ts";

/** The run's custom slash commands; a built-in command's name is never taken (the built-in wins). */
export async function customCommandsOf(
  runtime: Pick<Runtime, "projectRoot" | "home">,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CustomCommandCatalog> {
  // Loaded here, not at the top: a prompt that names no command never needs the TUI's table.
  const { BUILTIN_COMMAND_NAMES } = await import("../modes/tui/command-names.ts");
  return loadCustomCommands(
    { projectRoot: runtime.projectRoot, home: env.HOME ?? homedir(), tacitHome: runtime.home },
    BUILTIN_COMMAND_NAMES,
  );
}

/**
 * The turn a prompt runs as: a custom command's when it starts with one (`/name args`, as Claude
 * Code's -p expands it), else the prompt as it is.
 */
export function promptTurn(
  runtime: Pick<Runtime, "session" | "gate" | "resolve">,
  catalog: CustomCommandCatalog | undefined,
  prompt: string,
  signal: AbortSignal,
  turn: TurnOptions = {},
): AsyncGenerator<AgentEvent> {
  const expanded = catalog && expandCustomCommand(prompt, catalog.commands);
  return expanded
    ? customCommandTurn(runtime, expanded, signal, turn)
    : runtime.session.prompt(prompt, signal, turn);
}
