import { statSync } from "node:fs";
import path from "node:path";
import { Readable, Writable } from "node:stream";
import {
  type AgentContext,
  agent,
  type ClientCapabilities,
  ndJsonStream,
  PROTOCOL_VERSION,
  RequestError,
} from "@agentclientprotocol/sdk";
import { errorMessage } from "../../core/errors.ts";
import { AcpSession } from "./acp-session.ts";
import { clientFiles } from "./client-files.ts";
import { permissionBridge } from "./permission-bridge.ts";
import type { OpenAcpSession } from "./session-host.ts";

export interface ServeAcpOptions {
  openSession: OpenAcpSession;
  version: string;
  /** Told once initialize has been answered: the time to load what sessions need. */
  onInitialized?: () => void;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

/**
 * `tacit acp`: an Agent Client Protocol agent (v1) on stdin/stdout, one JSON-RPC message a line.
 * Resolves once the client has gone (stdin closed) and every session has ended: turns stopped,
 * reflection started, databases closed.
 */
export async function serveAcp(options: ServeAcpOptions): Promise<void> {
  const sessions = new Map<string, AcpSession>();
  let clientCapabilities: ClientCapabilities | undefined;
  let client: AgentContext | undefined;
  const currentClient = (): AgentContext => {
    if (!client) throw new Error("no client connected");
    return client;
  };
  const sessionFor = (sessionId: string): AcpSession => {
    const session = sessions.get(sessionId);
    if (!session) throw RequestError.invalidParams(undefined, `no session ${sessionId} in this connection`);
    return session;
  };
  const open = async (cwd: string, resume?: string): Promise<AcpSession> => {
    requireFolder(cwd);
    // The session's questions and file access need its id, known once bootstrap has made or found it.
    let sessionId = resume ?? "";
    const session = new AcpSession(
      await options.openSession({
        cwd,
        ...(resume ? { resume } : {}),
        wiring: {
          ask: permissionBridge(currentClient, () => sessionId),
          files: clientFiles(clientCapabilities, currentClient, () => sessionId),
        },
      }),
      currentClient,
    );
    sessionId = session.id;
    sessions.set(session.id, session);
    return session;
  };

  const app = agent({ name: "tacit" })
    .onRequest("initialize", ({ params, client: context }) => {
      client = context;
      clientCapabilities = params.clientCapabilities;
      if (options.onInitialized) setImmediate(options.onInitialized);
      return {
        protocolVersion: PROTOCOL_VERSION,
        agentCapabilities: {
          loadSession: true,
          // Text and resource links are every agent's baseline; embedded text resources are inlined.
          promptCapabilities: { image: false, audio: false, embeddedContext: true },
        },
        authMethods: [],
        agentInfo: { name: "tacit", title: "tacit", version: options.version },
      };
    })
    .onRequest("session/new", ({ params, client: context }) =>
      clearly(async () => {
        client = context;
        ignoredServers(params.mcpServers.length);
        const session = await open(params.cwd);
        return { sessionId: session.id, modes: session.modes };
      }),
    )
    .onRequest("session/load", ({ params, client: context }) =>
      clearly(async () => {
        client = context;
        ignoredServers(params.mcpServers.length);
        const session = sessions.get(params.sessionId) ?? (await open(params.cwd, params.sessionId));
        await session.replay();
        return { modes: session.modes };
      }),
    )
    .onRequest("session/prompt", ({ params, client: context }) =>
      clearly(() => {
        client = context;
        return sessionFor(params.sessionId).prompt(params);
      }),
    )
    .onRequest("session/set_mode", ({ params }) =>
      clearly(() => {
        sessionFor(params.sessionId).setMode(params.modeId);
        return {};
      }),
    )
    .onNotification("session/cancel", ({ params }) => {
      sessions.get(params.sessionId)?.cancel();
    });

  const output = Writable.toWeb((options.output ?? process.stdout) as Writable) as WritableStream<Uint8Array>;
  const input = Readable.toWeb((options.input ?? process.stdin) as Readable) as ReadableStream<Uint8Array>;
  const connection = app.connect(ndJsonStream(output, input));
  await connection.closed;
  await Promise.all([...sessions.values()].map((session) => session.close()));
}

/**
 * The protocol requires an absolute cwd. A relative one (relative to what? tacit's own folder is
 * not the editor's) or one that is no folder would make and store a session where every tool
 * fails: refused as invalid params instead, naming what was sent.
 */
function requireFolder(cwd: string): void {
  const problem = !path.isAbsolute(cwd)
    ? "is not an absolute path"
    : !isFolder(cwd)
      ? "is not an existing folder"
      : undefined;
  if (problem) throw RequestError.invalidParams({ cwd }, `cwd ${JSON.stringify(cwd)} ${problem}`);
}

function isFolder(candidate: string): boolean {
  try {
    return statSync(candidate).isDirectory();
  } catch {
    return false;
  }
}

/** A failure as one JSON-RPC error whose message is the one line tacit would print. */
async function clearly<Result>(handle: () => Result | Promise<Result>): Promise<Result> {
  try {
    return await handle();
  } catch (error) {
    if (error instanceof RequestError) throw error;
    throw new RequestError(-32603, errorMessage(error));
  }
}

function ignoredServers(count: number): void {
  if (count > 0)
    process.stderr.write(
      `tacit: ${count} MCP server(s) from the editor are not used: tacit acp does not connect to MCP servers yet\n`,
    );
}
