import path from "node:path";
import { findProjectRoot } from "../../config/paths.ts";
import type { OpenAcpSession } from "../../modes/acp/session-host.ts";
import { bootstrap } from "../bootstrap.ts";
import { idleReflection } from "../idle-reflection.ts";
import type { RunOptions } from "../options.ts";
import { reflectAtExit, reflectInBackground } from "../reflection-trigger.ts";
import { createPermissionForwarder } from "../tui-permissions.ts";

declare const TACIT_VERSION: string;

const toStderr = (text: string) => process.stderr.write(`tacit: ${text}\n`);

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
  const openSession: OpenAcpSession = async ({ cwd, resume, wiring }) => {
    const forwarder = createPermissionForwarder(findProjectRoot(path.resolve(cwd)));
    const runtime = await bootstrap({
      options: resume ? { ...options, resume, continueLatest: false } : options,
      cwd,
      ask: wiring.ask,
      // "Allow always" saves the rule where the TUI's does: the project's personal settings.local.json.
      persistRule: (rule) => forwarder.persistRule(rule),
      onWarning: (warning) => toStderr(`warning: ${warning}`),
      ...(wiring.files ? { files: wiring.files } : {}),
    });
    const idle = idleReflection(
      {
        idleMinutes: runtime.settings.reflection?.idleMinutes,
        reflect: (sessionId) => reflectInBackground(runtime, sessionId, options),
      },
      () => runtime.session.sessionId,
    );
    return {
      session: runtime.session,
      gate: runtime.gate,
      startMode: runtime.permissionMode,
      cwd: runtime.cwd,
      projectRoot: runtime.projectRoot,
      history: resume ? runtime.store.loadMessages(runtime.session.sessionId) : [],
      aroundTurn: (events) => idle.around(events),
      close: () => {
        idle.cancel();
        reflectAtExit(runtime, runtime.session.sessionId, options, {
          notice: toStderr,
          warning: (text) => toStderr(`warning: ${text}`),
        });
        runtime.close();
      },
    };
  };
  // An editor that stops its agent with a signal still gets a clean end: stdin is closed, as if the
  // editor had gone, and every session ends (turns stopped, reflection started) before the exit.
  const endInput = () => process.stdin.destroy();
  process.once("SIGTERM", endInput);
  process.once("SIGINT", endInput);
  await serveAcp({ openSession, version: typeof TACIT_VERSION === "string" ? TACIT_VERSION : "dev" });
  // Sockets kept alive by the model client must not hold an agent whose client has gone.
  process.exit(process.exitCode ?? 0);
}
