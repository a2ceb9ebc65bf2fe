import { printStderrLine } from "../../core/terminal-safe.ts";
import { UsageError } from "../command-typos.ts";
import { openInBrowser } from "../memory-ui/browser-launcher.ts";
import { launchMemoryUi } from "../memory-ui/launch.ts";
import { print, withMemoryContext } from "./memory-context.ts";

/**
 * `tacit memory ui [--port N] [--no-open]`: serves the memory browser on 127.0.0.1 until Ctrl-C.
 * The URL carries the token every request needs (memory-ui/guard.ts).
 */
export async function memoryUiCommand(options: { port?: string; open?: boolean }): Promise<void> {
  const port = parsePort(options.port);
  await withMemoryContext(async (context) => {
    const server = await launchMemoryUi({
      service: context.service,
      home: context.home,
      projectRoot: context.projectRoot,
      ...(port !== undefined ? { port } : {}),
    });
    print(`tacit memory browser: ${server.url}`);
    print("Press Ctrl-C to stop.");
    const removeLauncher =
      options.open !== false
        ? openInBrowser(server.url, context.home, (line) => printStderrLine(line))
        : () => undefined;
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        resolve();
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
    removeLauncher();
    await server.close();
  });
}

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError("--port must be a whole number from 0 to 65535 (0: any free port)");
  }
  return port;
}
