import type { MemoryService } from "../../memory/memory-service.ts";
import { launchMemoryUi } from "./launch.ts";

/**
 * The TUI's `/memory ui`: starts the memory browser once, over the run's own memory service, in the
 * background of the TUI's process (it ends with it), and returns a line with its URL each time.
 */
export function tuiMemoryBrowser(
  memory: MemoryService,
  home: string,
  projectRoot: string,
): () => Promise<string> {
  let started: Promise<string> | undefined;
  return () => {
    started ??= launchMemoryUi({ service: memory, home, projectRoot, background: true }).then(
      (server) => `Memory browser: ${server.url} (open it in your browser; it runs while tacit does)`,
      (error: unknown) => {
        started = undefined;
        throw error;
      },
    );
    return started;
  };
}
