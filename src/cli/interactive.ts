import { findProjectRoot } from "../config/paths.ts";
import { UserFacingError } from "../core/errors.ts";
import { traceStartup } from "../core/startup-trace.ts";
import { bootstrap } from "./bootstrap.ts";
import type { RunOptions } from "./options.ts";
import { createTuiHost } from "./tui-host.ts";
import { createPermissionForwarder } from "./tui-permissions.ts";

/**
 * `tacit` without -p: the interactive UI over the same runtime headless runs
 * use. The TUI (Ink and React) is imported only here, so -p never loads it.
 */
export async function runInteractive(options: RunOptions, version: string): Promise<void> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UserFacingError('no terminal for the interactive UI; use -p for headless mode (tacit -p "…")');
  }
  // Started before bootstrap so loading Ink overlaps with opening the database.
  const tuiModule = import("../modes/tui/run-tui.ts");
  // Its failure is reported where it is awaited; this only keeps an early bootstrap error from leaving it unhandled.
  tuiModule.catch(() => undefined);
  const permissions = createPermissionForwarder(findProjectRoot(process.cwd()));
  const runtime = await bootstrap({ options, ask: permissions.ask, persistRule: permissions.persistRule });
  traceStartup("bootstrapped");
  try {
    const host = createTuiHost({ runtime, options, savedRules: permissions.savedRules });
    const { runTui } = await tuiModule;
    traceStartup("TUI module loaded");
    await runTui(host, {
      registerAsk: permissions.register,
      ...(options.prompt ? { initialPrompt: options.prompt } : {}),
      version,
    });
  } finally {
    runtime.close();
  }
}
