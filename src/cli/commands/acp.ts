import type { OpenAcpSession } from "../../modes/acp/session-host.ts";
import type { RunOptions } from "../options.ts";

declare const TACIT_VERSION: string;

/**
 * `tacit acp`: tacit as an Agent Client Protocol agent for an editor (Zed, JetBrains, Neovim…), on
 * stdin/stdout. Each ACP session is a tacit session built by bootstrap as a headless or TUI run is
 * (same settings, gate, memory recall), ended as one is (reflection in the background); the root
 * options (--model, --permission-mode, --allowed-tools, --no-memory, --no-reflect) apply to each.
 */
export async function acpCommand(options: RunOptions): Promise<void> {
  // stdout carries the protocol and nothing else: a stray console.log would corrupt the stream.
  console.log = console.error;
  console.info = console.error;
  const { serveAcp } = await import("../../modes/acp/acp-agent.ts");
  // The session modules (bootstrap and every layer under it) load once initialize is answered: an
  // editor's handshake does not wait for them (npm run bench:acp).
  const opener = () => import("../acp-session-opener.ts").then((module) => module.acpSessionOpener(options));
  let loading: ReturnType<typeof opener> | undefined;
  const loadOpener = () => {
    loading ??= opener();
    return loading;
  };
  const openSession: OpenAcpSession = async (request) => (await loadOpener())(request);
  // An editor that stops its agent with a signal still gets a clean end: stdin is closed, as if the
  // editor had gone, and every session ends (turns stopped, reflection started) before the exit.
  const endInput = () => process.stdin.destroy();
  process.once("SIGTERM", endInput);
  process.once("SIGINT", endInput);
  await serveAcp({
    openSession,
    version: typeof TACIT_VERSION === "string" ? TACIT_VERSION : "dev",
    onInitialized: () => void loadOpener().catch(() => undefined),
  });
  // Sockets kept alive by the model client must not hold an agent whose client has gone.
  process.exit(process.exitCode ?? 0);
}
