import { render } from "ink";
import { createElement } from "react";
import { traceStartup } from "../../core/startup-trace.ts";
import { TuiApp } from "./app.ts";
import { SLASH_COMMANDS, type SlashCommand } from "./commands.ts";
import type { RunTuiOptions, TuiHost, TuiLaunch } from "./host.ts";
import { loadLayoutEngine } from "./layout-engine.ts";
import { PermissionBridge } from "./permission-bridge.ts";
import { colorEnabled, createTheme } from "./theme.ts";

export type { RunTuiOptions, TuiLaunch } from "./host.ts";

/**
 * Opens the interactive UI and resolves when the user quits (/exit or Ctrl-C
 * twice). Only ink and react are imported at the top, so the prompt is ready fast.
 */
export async function runTui(
  launch: TuiLaunch,
  // The custom slash commands (Markdown command files), listed after the built-in ones.
  options: RunTuiOptions & { customCommands?: SlashCommand[] },
): Promise<void> {
  // Kept for the resume line after quitting; a host that fails to start is reported by the app.
  let started: TuiHost | undefined;
  launch.ready.then(
    (host) => {
      started = host;
    },
    () => {},
  );
  // Ink lays out with it from the first render (interactive.ts has loaded it before, while Ink loaded).
  await loadLayoutEngine();
  const bridge = new PermissionBridge();
  options.registerAsk(bridge.ask);
  const theme = createTheme(colorEnabled(process.env, Boolean(process.stdout.isTTY)));
  const instance = render(
    createElement(TuiApp, {
      launch,
      bridge,
      theme,
      ...(options.initialPrompt ? { initialPrompt: options.initialPrompt } : {}),
      ...(options.version ? { version: options.version } : {}),
      ...(options.customCommands?.length ? { commands: [...SLASH_COMMANDS, ...options.customCommands] } : {}),
    }),
    {
      exitOnCtrlC: false,
      // Shift+Enter is only distinguishable from Enter with the kitty keyboard protocol; ask for it where the terminal has it.
      kittyKeyboard: { mode: "auto", flags: ["disambiguateEscapeCodes"] },
    },
  );
  // Ink writes the first frame during render(): from here the prompt is on screen and takes input.
  traceStartup("TUI first frame drawn");
  try {
    await instance.waitUntilExit();
  } finally {
    bridge.denyAll("the user quit");
  }
  // After Ink has let go of the terminal, so the line stays in the scrollback under the conversation.
  const resume = started?.resumeCommand();
  if (resume) process.stdout.write(`resume this session with: ${resume}\n`);
}
