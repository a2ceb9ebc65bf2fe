import path from "node:path";
import { findProjectRoot, tacitHome } from "../config/paths.ts";
import { printStderrLine } from "../core/terminal-safe.ts";
import type { AcpSessionHost, OpenAcpSession } from "../modes/acp/session-host.ts";
import { bootstrap } from "./bootstrap.ts";
import { idleReflection } from "./idle-reflection.ts";
import type { RunOptions } from "./options.ts";
import { reflectAtExit, reflectInBackground } from "./reflection-trigger.ts";
import { createPermissionForwarder } from "./tui-permissions.ts";

const toStderr = (text: string) => printStderrLine(text);

/**
 * One `tacit acp` session's runtime, built by bootstrap exactly as a headless or TUI run's is (same
 * settings, gate, memory recall) and ended as one is (reflection in the background, idle or at the
 * end); the editor's permission questions and file access come in through the wiring.
 */
export function acpSessionOpener(options: RunOptions): OpenAcpSession {
  return async ({ cwd, resume, wiring }): Promise<AcpSessionHost> => {
    const forwarder = createPermissionForwarder(findProjectRoot(path.resolve(cwd)), tacitHome());
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
      history: () => runtime.store.loadMessages(runtime.session.sessionId),
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
}
