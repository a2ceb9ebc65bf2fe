import { homedir } from "node:os";
import type { TurnOptions } from "../agent/agent-session.ts";
import { type CustomCommand, loadCustomCommands } from "../agent/custom-commands/command-files.ts";
import { expandCustomCommand } from "../agent/custom-commands/expand.ts";
import type { AgentEvent } from "../core/events.ts";
import type { Runtime } from "./bootstrap.ts";
import { customCommandTurn } from "./custom-command-turn.ts";
import { unseenWarnings } from "./seen-warnings.ts";

/** The run's custom commands, and the warnings about their files not shown before (once per change of a file). */
export interface LoadedCustomCommands {
  commands: CustomCommand[];
  warnings: string[];
  /** The built-in commands' names and aliases, which no custom command takes. */
  builtinNames: ReadonlySet<string>;
}

/**
 * `-p "/help"` or another of the TUI's built-in commands: they do not run in -p, and sending one
 * to the model as a prompt answers nothing the user asked. /help is answered with what -p does
 * run (one line on stdout); any other is refused in one line (a UsageError, exit 2). Undefined
 * for a prompt that names no built-in.
 */
export function builtinInPrint(
  prompt: string,
  catalog: LoadedCustomCommands,
): { answer: string } | { refusal: string } | undefined {
  const name = /^\/([\w.-]+)(?:\s|$)/.exec(prompt.trim())?.[1]?.toLowerCase();
  if (name === undefined || !catalog.builtinNames.has(name)) return undefined;
  const names = catalog.commands.map((command) => `/${command.name}`);
  const available =
    names.length > 0
      ? `in -p, /name runs one of your custom commands (${names.join(", ")})`
      : "in -p, /name runs a custom command, and none is defined here";
  if (name === "help")
    return {
      answer: `${available.charAt(0).toUpperCase()}${available.slice(1)}; /help and the other built-in commands are the TUI's (run tacit); tacit --help lists the flags.`,
    };
  return {
    refusal: `/${name} is a command of the TUI, not run in -p; ${available}; tacit --help lists the flags`,
  };
}

/** The run's custom slash commands; a built-in command's name is never taken (the built-in wins). */
export async function customCommandsOf(
  runtime: Pick<Runtime, "projectRoot" | "home">,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LoadedCustomCommands> {
  // Loaded here, not at the top: a prompt that names no command never needs the TUI's table.
  const { BUILTIN_COMMAND_NAMES } = await import("../modes/tui/command-names.ts");
  const catalog = await loadCustomCommands(
    { projectRoot: runtime.projectRoot, home: env.HOME ?? homedir(), tacitHome: runtime.home },
    BUILTIN_COMMAND_NAMES,
  );
  return {
    commands: catalog.commands,
    warnings: unseenWarnings(runtime.home, catalog.warnings),
    builtinNames: BUILTIN_COMMAND_NAMES,
  };
}

/**
 * The turn a prompt runs as: a custom command's when it starts with one (`/name args`, as Claude
 * Code's -p expands it), else the prompt as it is.
 */
export function promptTurn(
  runtime: Pick<Runtime, "session" | "gate" | "resolve">,
  catalog: LoadedCustomCommands | undefined,
  prompt: string,
  signal: AbortSignal,
  turn: TurnOptions = {},
): AsyncGenerator<AgentEvent> {
  const expanded = catalog && expandCustomCommand(prompt, catalog.commands);
  return expanded
    ? customCommandTurn(runtime, expanded, signal, turn)
    : runtime.session.prompt(prompt, signal, turn);
}
