import type { AgentSession } from "../../agent/agent-session.ts";
import type { PermissionAnswer, PermissionRequest } from "../../agent/permission-gate.ts";
import type { AgentEvent } from "../../core/events.ts";
import type { Message } from "../../core/messages.ts";
import type { PermissionMode } from "../../core/permission-mode.ts";
import type { TextFileAccess } from "../../core/tool.ts";

/**
 * What the ACP mode needs of one tacit session. The command (cli/commands/acp.ts) builds it with
 * bootstrap, exactly as a headless or TUI run is built; the mode only drives it, so memory recall,
 * the permission gate and reflection behave as in any other session.
 */
export interface AcpSessionHost {
  session: AgentSession;
  /** The gate's mode can change (session/set_mode); its start says whether bypass may be offered. */
  gate: { setMode(mode: PermissionMode): void; readonly mode: PermissionMode };
  startMode: PermissionMode;
  cwd: string;
  projectRoot: string;
  /** The whole stored conversation (what session/load replays), read when asked: a session open in this connection has grown. */
  history(): readonly Message[];
  /** Wraps one turn's events: the idle reflection clock stops while it runs and starts when it ends. */
  aroundTurn(events: AsyncIterable<AgentEvent>): AsyncIterable<AgentEvent>;
  /** The session ends (the client went away): reflection starts in the background, the database closes. */
  close(): void;
}

/** What the session's permission questions and file access go through; given before the session exists. */
interface AcpSessionWiring {
  ask(request: PermissionRequest): Promise<PermissionAnswer>;
  files: TextFileAccess | undefined;
}

interface OpenSessionRequest {
  cwd: string;
  /** The tacit session to continue (session/load); absent for session/new. */
  resume?: string;
  wiring: AcpSessionWiring;
}

export type OpenAcpSession = (request: OpenSessionRequest) => Promise<AcpSessionHost>;
