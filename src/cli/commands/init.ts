import { existsSync } from "node:fs";
import path from "node:path";
import { prepareInitTurn } from "../../agent/init/init-turn.ts";
import { findProjectRoot } from "../../config/paths.ts";
import { UserFacingError } from "../../core/errors.ts";
import { printStderrLine } from "../../core/terminal-safe.ts";
import { describeChanges } from "../../memory/recording-target.ts";
import { printRun } from "../../modes/print.ts";
import { bootstrap } from "../bootstrap.ts";
import { parseRunOptions } from "../options.ts";

export interface InitCommandOptions {
  model?: string;
  dryRun?: boolean;
  agentsMd?: boolean;
  verbose?: boolean;
  maxTurns?: string;
}

/**
 * `tacit init [focus…]`: the agent studies the repository (from a survey gathered in code) and writes
 * what it learns as project memories, headless. Prints the model's closing answer, then each memory it
 * created or updated. Outside a git repository there is no project memory: one line, exit 1.
 */
export async function initCommand(focusWords: string[], options: InitCommandOptions): Promise<void> {
  const cwd = process.cwd();
  const projectRoot = findProjectRoot(cwd);
  // Said before anything starts (no session, no model): local memory is tied to a repository too, and
  // the user scope is shared by every project, so neither is a place for one folder's layout.
  if (!existsSync(path.join(projectRoot, ".git"))) {
    throw new UserFacingError(
      "init writes project memory, and there is no project outside a git repository: run it inside one (git init first)",
    );
  }
  const runOptions = parseRunOptions(
    {
      model: options.model,
      maxTurns: options.maxTurns,
      verbose: options.verbose === true,
      // The one file it may write when asked to, allowed without asking (nobody is there to ask).
      ...(options.agentsMd ? { allowedTools: "Edit(/AGENTS.md)" } : {}),
    },
    undefined,
  );
  const runtime = await bootstrap({
    options: runOptions,
    onWarning: (warning) => printStderrLine(`warning: ${warning}`),
  });
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.on("SIGINT", onInterrupt);
  try {
    if (!runtime.memory) {
      throw new UserFacingError(
        "memory is off for this run (--no-memory or settings): init has nothing to write to",
      );
    }
    const { session } = runtime;
    const focus = focusWords.join(" ").trim();
    const init = await prepareInitTurn({
      projectRoot: runtime.projectRoot,
      memory: runtime.memory,
      model: session.currentModel.info,
      sessionId: () => session.sessionId,
      ...(focus ? { focus } : {}),
      writeAgentsFile: options.agentsMd === true,
      dryRun: options.dryRun === true,
    });
    const outcome = await printRun(session.prompt(init.prompt, controller.signal, init.turn), "text", {
      sessionId: session.sessionId,
      model: session.currentModel.info.ref,
      cwd: runtime.cwd,
      tools: init.turn.tools.map((tool) => tool.name),
      permissionMode: runtime.permissionMode,
      includePartialMessages: false,
      verbose: runOptions.verbose,
    });
    process.stdout.write(`${summary(init.recording.changes, options.dryRun === true)}\n`);
    process.exitCode = outcome.exitCode;
  } finally {
    process.off("SIGINT", onInterrupt);
    runtime.close();
  }
}

function summary(changes: Parameters<typeof describeChanges>[0], dryRun: boolean): string {
  const lines = describeChanges(changes, dryRun).map((line) => `  ${line}`);
  if (dryRun) {
    return lines.length
      ? ["init (dry run, nothing written):", ...lines].join("\n")
      : "init (dry run): no memory changes planned";
  }
  return lines.length
    ? [`init: ${lines.length} memory change${lines.length === 1 ? "" : "s"}:`, ...lines].join("\n")
    : "init: no memories changed";
}
