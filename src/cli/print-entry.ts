import { sandboxAvailability } from "../sandbox/availability.ts";
import { reportFailure } from "./fatal-error.ts";
import type { RunOptions } from "./options.ts";

/**
 * `tacit -p` from its argument parsing on. The build bundles this file on its
 * own (dist/print/, scripts/build.mjs): in the one bundle of every command, the
 * modules a headless run loads were split into about 80 chunks by the many
 * commands that share them, and loading each through Node's ESM loader costs
 * (about 35 ms of CPU before the first request, measured); bundled for this
 * path alone they make about 15. Nothing here may share state with the main
 * bundle's modules: failures are reported here, by this bundle's classes.
 */
export async function runPrint(options: RunOptions, prompt: string): Promise<void> {
  try {
    // The sandbox probe (a real start of an empty sandbox, cached per process) starts before the run's
    // modules load, so the first request never waits for it; its result is awaited where the shell tools are made.
    sandboxAvailability(process.env).catch(() => undefined);
    const { runHeadless } = await import("./headless.ts");
    await runHeadless(options, prompt);
  } catch (error) {
    await reportFailure(error);
  }
}
