import { explicitImagesRefusal } from "../agent/attachments/image-file.ts";
import { hookNoticeLines } from "../agent/hooks/agent-hooks.ts";
import { ConfigError } from "../core/errors.ts";
import { traceStartup } from "../core/startup-trace.ts";
import { printStderrLine } from "../core/terminal-safe.ts";
import { printRun } from "../modes/print.ts";
import { bootstrap } from "./bootstrap.ts";
import { UsageError } from "./command-typos.ts";
import { builtinInPrint, customCommandsOf, promptTurn } from "./custom-commands-wiring.ts";
import type { RunOptions } from "./options.ts";
import { reflectAtExit } from "./reflection-trigger.ts";

/** `tacit -p`: one run, printed as text, json or stream-json; Ctrl-C stops it cleanly. */
export async function runHeadless(options: RunOptions, prompt: string): Promise<void> {
  // Each warning as it is found: a start-up that fails after it still shows it, before the error.
  const runtime = await bootstrap({
    options,
    onWarning: (warning) => printStderrLine(`warning: ${warning}`),
  });
  traceStartup("bootstrapped");
  for (const note of runtime.notes) printStderrLine(note);
  const controller = new AbortController();
  let interrupts = 0;
  const onInterrupt = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    controller.abort();
  };
  process.on("SIGINT", onInterrupt);
  process.on("SIGTERM", onInterrupt);
  try {
    const resumed = options.resume !== undefined || options.continueLatest;
    const imagesRefused = explicitImagesRefusal(
      options.images,
      runtime.session.currentModel.info,
      runtime.cwd,
    );
    if (imagesRefused) throw new ConfigError(imagesRefused);
    reportHookEvents(await runtime.hooks?.sessionStarted(resumed ? "resume" : "startup"));
    // `-p "/name args"` runs a custom command, as Claude Code's -p does; the folders are read only then.
    const catalog = prompt.trimStart().startsWith("/") ? await customCommandsOf(runtime) : undefined;
    // A repository names its command files: terminalSafe so a file name cannot retitle or redraw the terminal.
    for (const warning of catalog?.warnings ?? []) printStderrLine(`warning: ${warning}`);
    const builtin = catalog && builtinInPrint(prompt, catalog);
    if (builtin && "refusal" in builtin) throw new UsageError(builtin.refusal);
    if (builtin) {
      process.stdout.write(`${builtin.answer}\n`);
      return;
    }
    const turn = promptTurn(runtime, catalog, prompt, controller.signal, { images: options.images });
    const outcome = await printRun(turn, options.outputFormat, {
      sessionId: runtime.session.sessionId,
      model: runtime.session.currentModel.info.ref,
      cwd: runtime.cwd,
      tools: runtime.session.toolList.map((tool) => tool.name),
      permissionMode: runtime.permissionMode,
      includePartialMessages: options.includePartialMessages,
      verbose: options.verbose,
    });
    process.exitCode = outcome.exitCode;
    // Traced so the cost reflection adds to exit is measured (npm run bench:reflection).
    traceStartup("answer printed");
    reflectAtExit(runtime, runtime.session.sessionId, options, {
      notice: (text) => printStderrLine(text),
      warning: (text) => printStderrLine(`warning: ${text}`),
    });
    traceStartup("reflection started");
  } finally {
    process.off("SIGINT", onInterrupt);
    process.off("SIGTERM", onInterrupt);
    // Also after an interrupt or a failed run: the session ended either way.
    reportHookEvents(await runtime.hooks?.sessionEnded("other"));
    runtime.close();
  }
}

/** What SessionStart and SessionEnd hooks had to say (a failure, a timeout), one line each on stderr. */
function reportHookEvents(events: Parameters<typeof hookNoticeLines>[0]): void {
  for (const line of hookNoticeLines(events)) printStderrLine(`warning: ${line}`);
}
