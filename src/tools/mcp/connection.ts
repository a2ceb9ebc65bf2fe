import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { McpServerConfig } from "../../config/mcp-servers.ts";
import { GroupStdioTransport } from "./group-stdio-transport.ts";
import {
  JsonRpcRequester,
  MODERN_PROTOCOL_VERSION,
  modernParams,
  type ProtocolEra,
  probeEra,
  startedTransport,
} from "./protocol-era.ts";

/** One tool as a server lists it. */
export interface McpToolInfo {
  name: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  annotations?: { readOnlyHint?: boolean; title?: string };
}

/** What a tool call returns, in the shape both eras share. */
export interface McpCallResult {
  content?: Array<Record<string, unknown>>;
  structuredContent?: unknown;
  isError?: boolean;
  resultType?: string;
}

/** A live connection to one server, whichever era and transport it speaks. */
export interface McpConnection {
  era: ProtocolEra;
  tools: McpToolInfo[];
  /** The child's process id (stdio), also its process group's: the group is killed on exit. */
  pid: number | undefined;
  callTool(
    name: string,
    args: Record<string, unknown>,
    options: { signal: AbortSignal; timeoutMs: number },
  ): Promise<McpCallResult>;
  close(): Promise<void>;
  /** Called once when the connection ends without close() (the server exited or the stream broke). */
  onLost: ((reason: string) => void) | undefined;
}

export interface ConnectOptions {
  /** The environment a stdio server gets (the user's, minus model keys, plus its own `env`). */
  env: Record<string, string>;
  cwd: string;
  timeoutMs: number;
  /** How long `server/discover` may take before the server is taken for legacy. */
  probeTimeoutMs: number;
  /** Told the child's process id (its process group's) as soon as it is spawned. */
  onSpawn?: (pid: number) => void;
  /** Aborted when the start is given up: a stdio server still starting is stopped with its group. */
  signal?: AbortSignal;
}

/** Lines of a stdio server's stderr kept to explain why it failed. */
const STDERR_LINES = 5;

/**
 * Starts and connects one server: spawn (stdio) or reach (HTTP), find its era,
 * complete the handshake, list its tools. Throws with a one-line reason.
 */
export async function connectMcpServer(
  config: McpServerConfig,
  options: ConnectOptions,
): Promise<McpConnection> {
  if (config.type === "stdio") {
    // The server's own log lines are kept (the last few explain a failure), never shown in the terminal.
    const stderrTail: string[] = [];
    const transport = new GroupStdioTransport({
      command: config.command,
      args: config.args,
      env: options.env,
      cwd: options.cwd,
      onStderr: (chunk) => {
        stderrTail.push(...chunk.toString("utf8").split("\n").filter(Boolean));
        stderrTail.splice(0, Math.max(0, stderrTail.length - STDERR_LINES));
      },
    });
    // Given up on (the startup timeout, the session ending): the server and its group are stopped now.
    const abandon = () => void transport.close().catch(() => {});
    if (options.signal?.aborted) throw new Error("the session ended before it started");
    options.signal?.addEventListener("abort", abandon, { once: true });
    try {
      await transport.start();
      if (transport.pid) options.onSpawn?.(transport.pid);
      const requester = new JsonRpcRequester(transport);
      const era = await probeEra(requester, Math.min(options.probeTimeoutMs, options.timeoutMs));
      if (era === "modern") return await modernConnection(transport, requester, transport.pid, options);
      requester.release();
      return await legacyConnection(startedTransport(transport), transport.pid, options);
    } catch (error) {
      await transport.close().catch(() => {});
      const detail = stderrTail.length ? ` (its last output: ${stderrTail.at(-1)})` : "";
      throw new Error(`${(error as Error).message}${detail}`);
    } finally {
      options.signal?.removeEventListener("abort", abandon);
    }
  }
  // Streamable HTTP: the SDK's handshake first; a server that refuses it is asked as a modern one.
  const url = new URL(config.url);
  const httpTransport = () =>
    new StreamableHTTPClientTransport(url, { requestInit: { headers: config.headers } });
  const legacyTransport = httpTransport();
  try {
    return await legacyConnection(legacyTransport, undefined, options);
  } catch (legacyError) {
    await legacyTransport.close().catch(() => {});
    const modernTransport = httpTransport();
    modernTransport.setProtocolVersion(MODERN_PROTOCOL_VERSION);
    await modernTransport.start();
    const requester = new JsonRpcRequester(modernTransport);
    const era = await probeEra(requester, options.timeoutMs).catch(() => "legacy" as const);
    if (era !== "modern") {
      await modernTransport.close().catch(() => {});
      throw legacyError;
    }
    return await modernConnection(modernTransport, requester, undefined, options);
  }
}

async function legacyConnection(
  transport: Transport,
  pid: number | undefined,
  options: ConnectOptions,
): Promise<McpConnection> {
  const client = new Client({ name: "tacit", version: "0.1.0" }, { capabilities: {} });
  let closing = false;
  const connection: McpConnection = {
    era: "legacy",
    tools: [],
    pid,
    onLost: undefined,
    callTool: async (name, args, call) =>
      (await client.callTool({ name, arguments: args }, undefined, {
        signal: call.signal,
        timeout: call.timeoutMs,
      })) as McpCallResult,
    close: async () => {
      closing = true;
      await client.close();
    },
  };
  client.onclose = () => {
    if (!closing) connection.onLost?.("the server stopped");
  };
  await client.connect(transport, { timeout: options.timeoutMs });
  const tools: McpToolInfo[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor ? { cursor } : {}, { timeout: options.timeoutMs });
    tools.push(...(page.tools as McpToolInfo[]));
    cursor = page.nextCursor;
  } while (cursor);
  connection.tools = tools;
  return connection;
}

async function modernConnection(
  transport: Transport,
  requester: JsonRpcRequester,
  pid: number | undefined,
  options: ConnectOptions,
): Promise<McpConnection> {
  let closing = false;
  const connection: McpConnection = {
    era: "modern",
    tools: [],
    pid,
    onLost: undefined,
    callTool: async (name, args, call) => {
      const result = (await requester.request("tools/call", modernParams({ name, arguments: args }), {
        timeoutMs: call.timeoutMs,
        signal: call.signal,
      })) as McpCallResult;
      // tacit answers no follow-up questions (elicitation, sampling): such a result is reported, not retried.
      if (result.resultType === "input_required")
        return {
          isError: true,
          content: [{ type: "text", text: "the server asked for input tacit cannot give" }],
        };
      return result;
    },
    close: async () => {
      closing = true;
      await transport.close();
    },
  };
  const previousOnClose = transport.onclose;
  transport.onclose = () => {
    previousOnClose?.();
    if (!closing) connection.onLost?.("the server stopped");
  };
  const tools: McpToolInfo[] = [];
  let cursor: string | undefined;
  do {
    const page = await requester.request("tools/list", modernParams(cursor ? { cursor } : {}), {
      timeoutMs: options.timeoutMs,
    });
    tools.push(...((page.tools as McpToolInfo[] | undefined) ?? []));
    cursor = typeof page.nextCursor === "string" ? page.nextCursor : undefined;
  } while (cursor);
  connection.tools = tools;
  return connection;
}
