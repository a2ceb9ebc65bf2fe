import { UserFacingError } from "../core/errors.ts";
import { traceStartup } from "../core/startup-trace.ts";
import { sandboxAvailability } from "../sandbox/availability.ts";
import { commandLookalike, lookalikeRefusal } from "./command-typos.ts";
import { reportFailure } from "./fatal-error.ts";
import { parseRunOptions, type RunOptions } from "./options.ts";
import { endQuietlyWhenThePipeCloses } from "./pipe-closed.ts";
import { readPipedStdin } from "./read-stdin.ts";
import { parseRootFast } from "./root-options.ts";

/**
 * `tacit -p` from its argument parsing on. The build bundles this file on its
 * own (dist/print/print-entry.cjs, scripts/build.mjs): in the one bundle of
 * every command, the modules a headless run loads were split into about 80
 * chunks by the many commands that share them, and loading each through Node's
 * ESM loader costs (about 35 ms of CPU before the first request, measured).
 * Here they are one CommonJS script, run with a code cache made after a run
 * (print-bundle-loader.ts). Nothing here may share state with the main
 * bundle's modules: failures are reported here, by this bundle's classes.
 */

/**
 * The launcher's way in (bin/tacit.js, when a word of the command line looks
 * like -p): the whole command line is parsed here, by the same fast parser the
 * full CLI tries first, so a headless run never loads the full CLI's bundle
 * (dist/cli.cjs: about 8 ms before the first request, measured when it was
 * an ES module and its chunks).
 * False when the line is anything but a plain headless run (a subcommand,
 * --help, an option only commander reads, no -p after all): the launcher then
 * starts the full CLI, which parses it again and says what is wrong.
 */
export async function startFromCommandLine(argv: readonly string[]): Promise<boolean> {
  const fast = parseRootFast([...argv]);
  let options: RunOptions;
  try {
    if (!fast) return false;
    options = parseRunOptions(fast.raw, fast.prompt);
  } catch {
    return false; // a bad value: the full CLI says it in its own words
  }
  if (!options.print) return false;
  traceStartup("cli module loaded");
  endQuietlyWhenThePipeCloses();
  await runPrintCommand(options);
  return true;
}

/** A headless run from its parsed options: the prompt (argument and piped text), then the run. */
export async function runPrintCommand(options: RunOptions): Promise<void> {
  try {
    const piped = await readPipedStdin({ haveArgumentPrompt: Boolean(options.prompt) });
    const prompt = [options.prompt, piped].filter((part) => part?.trim()).join("\n\n");
    // A lone word like "sesions" is probably a mistyped command. In -p there is no one to ask; with
    // text piped in as well, the word is clearly part of a prompt.
    const lookalike = options.prompt ? commandLookalike(options.prompt, process.argv) : undefined;
    if (lookalike && options.prompt && prompt === options.prompt)
      throw lookalikeRefusal(options.prompt, lookalike);
    if (!prompt)
      throw new UserFacingError('no prompt: pass one as an argument (tacit -p "…") or on standard input');
    traceStartup("arguments parsed");
    await runPrint(options, prompt);
  } catch (error) {
    await reportFailure(error);
  }
}

async function runPrint(options: RunOptions, prompt: string): Promise<void> {
  // The sandbox probe (a real start of an empty sandbox, cached per process) starts before the run's
  // modules load, so the first request never waits for it; its result is awaited where the shell tools are made.
  sandboxAvailability(process.env).catch(() => undefined);
  const { runHeadless } = await import("./headless.ts");
  traceStartup("run's modules loaded");
  await runHeadless(options, prompt);
}
