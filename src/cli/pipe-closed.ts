/**
 * A reader that stops early (`tacit memory list | head -1`) closes the pipe,
 * and the next write fails with EPIPE. Like git and coreutils, which die of
 * SIGPIPE there, the command ends at once, silently, with 141 (128 + SIGPIPE)
 * — what a shell reports for them, so `set -o pipefail` scripts see the same.
 * Set once at start, for every command and mode (cli/main.ts, and
 * cli/print-entry.ts when the launcher starts a headless run there).
 */
export function endQuietlyWhenThePipeCloses(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(141);
      throw error;
    });
  }
}
