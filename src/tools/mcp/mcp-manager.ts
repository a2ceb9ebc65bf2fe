import type { McpServerEntry } from "../../config/mcp-servers.ts";
import { errorMessage } from "../../core/errors.ts";
import type { Tool } from "../../core/tool.ts";
import { groupIsAlive, killProcessGroup } from "../run-process.ts";
import type { McpCallResult, McpConnection, McpToolInfo } from "./connection.ts";
import { createMcpTool } from "./mcp-tool.ts";
import { cachedToolLists, saveCachedTools, serverCacheKey } from "./tool-cache.ts";

export interface McpManagerOptions {
  servers: readonly McpServerEntry[];
  /** ~/.tacit: where the tool-list cache lives. */
  home: string;
  cwd: string;
  /** The environment a stdio server inherits (model keys already removed); its own `env` is added. */
  baseEnv: Record<string, string>;
  startupTimeoutMs: number;
  callTimeoutMs: number;
  trustReadOnlyHints: boolean;
  /** One line for the user: a server that failed, hung or stopped. */
  onNotice(line: string): void;
}

export type McpServerStatus = "starting" | "ready" | "restarting" | "failed" | "stopped";

interface ServerHandle {
  entry: McpServerEntry;
  cacheKey: string;
  status: McpServerStatus;
  reason?: string;
  /** The tools offered: the live list once connected, the cached one before. */
  toolInfos: McpToolInfo[];
  toolObjects: Tool[];
  connection?: McpConnection;
  /** Settles when the current start attempt does. */
  ready: Promise<void>;
  restarts: number;
}

/** How long `server/discover` may go unanswered before a stdio server is taken for a legacy one. */
const PROBE_TIMEOUT_MS = 3_000;

/**
 * The MCP servers of one session. All start at once, in the background, when
 * start() is called, and nothing waits for them: the model is offered each
 * server's tools as soon as they are known (from the last session's cache, or
 * once the server has listed them), a call to a server still starting waits
 * for it, one that fails or does not answer within the timeout is reported in
 * one line and left out, and one that stops mid-session is started again once;
 * after a second stop its tools answer with an error.
 */
export class McpManager {
  private readonly handles: ServerHandle[];
  private closing = false;
  private started = false;
  /**
   * Every stdio server started (each leads a process group of its own): what
   * is still there when tacit exits is killed, group and all. close() gives
   * them SIGTERM and a grace period first; the exit handler cannot wait.
   */
  private readonly groups = new Set<number>();
  private readonly killOnExit = () => {
    for (const group of this.groups) killProcessGroup(group, "SIGKILL");
  };
  /** Starts under way: aborting one stops its server (the startup timeout, or close()). */
  private readonly starting = new Set<AbortController>();

  constructor(private readonly options: McpManagerOptions) {
    const cached = cachedToolLists(options.home);
    this.handles = options.servers.map((entry) => this.newHandle(entry, cached));
  }

  /** Starts more servers mid-session (a repository's, once the user trusted it); their tools join as they come up. */
  add(servers: readonly McpServerEntry[]): void {
    if (this.closing) return;
    const cached = cachedToolLists(this.options.home);
    const added = servers.map((entry) => this.newHandle(entry, cached));
    this.handles.push(...added);
    if (!this.started) return;
    process.removeListener("exit", this.killOnExit);
    process.once("exit", this.killOnExit);
    for (const handle of added) handle.ready = this.connect(handle);
  }

  private newHandle(entry: McpServerEntry, cached: (key: string) => McpToolInfo[] | undefined): ServerHandle {
    const cacheKey = serverCacheKey(entry.name, entry.config);
    const handle: ServerHandle = {
      entry,
      cacheKey,
      status: "starting",
      toolInfos: cached(cacheKey) ?? [],
      toolObjects: [],
      ready: Promise.resolve(),
      restarts: 0,
    };
    handle.toolObjects = this.buildTools(handle);
    return handle;
  }

  /** Starts every server in parallel; returns at once. Called again, it does nothing. */
  start(): void {
    if (this.started || this.closing) return;
    this.started = true;
    if (this.handles.length === 0) return;
    process.once("exit", this.killOnExit);
    for (const handle of this.handles) handle.ready = this.connect(handle);
  }

  /** The tools to offer now: read before each request. */
  tools(): Tool[] {
    return this.handles.flatMap((handle) => (handle.status === "failed" ? [] : handle.toolObjects));
  }

  /** Resolves once every server has started or failed (for `tacit mcp list`). */
  async settled(): Promise<void> {
    await Promise.all(this.handles.map((handle) => handle.ready));
  }

  statuses(): Array<{
    entry: McpServerEntry;
    status: McpServerStatus;
    reason?: string;
    tools: McpToolInfo[];
  }> {
    return this.handles.map((handle) => ({
      entry: handle.entry,
      status: handle.status,
      ...(handle.reason ? { reason: handle.reason } : {}),
      tools: handle.toolInfos,
    }));
  }

  /** Stops every server and whatever each started (SIGTERM to its process group, SIGKILL after a grace period). */
  async close(): Promise<void> {
    this.closing = true;
    // Servers still starting have no connection to close yet: their starts are given up, which stops them.
    for (const start of this.starting) start.abort();
    await Promise.all(this.handles.map((handle) => handle.connection?.close().catch(() => {})));
  }

  private async connect(handle: ServerHandle): Promise<void> {
    const { entry } = handle;
    const config = entry.config;
    const env = config.type === "stdio" ? { ...this.options.baseEnv, ...config.env } : {};
    const start = new AbortController();
    this.starting.add(start);
    // The SDK loads with the first server that starts, never in a session without any.
    const attempt = import("./connection.ts").then(({ connectMcpServer }) =>
      connectMcpServer(config, {
        env,
        cwd: this.options.cwd,
        timeoutMs: this.options.startupTimeoutMs,
        probeTimeoutMs: PROBE_TIMEOUT_MS,
        signal: start.signal,
        onSpawn: (pid) => {
          // Groups already gone are dropped: their ids may be reused by someone else's by the time tacit exits.
          for (const group of this.groups) if (!groupIsAlive(group)) this.groups.delete(group);
          this.groups.add(pid);
        },
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`did not answer within ${Math.round(this.options.startupTimeoutMs / 1000)}s`));
        // The server is stopped, not left running unseen: nothing may keep tacit from exiting.
        start.abort();
      }, this.options.startupTimeoutMs);
      timer.unref();
    });
    try {
      const connection = await Promise.race([attempt, timeout]);
      if (this.closing) {
        await connection.close().catch(() => {});
        return;
      }
      handle.connection = connection;
      handle.status = "ready";
      delete handle.reason;
      connection.onLost = (reason) => this.lost(handle, connection, reason);
      handle.toolInfos = connection.tools;
      handle.toolObjects = this.buildTools(handle);
      saveCachedTools(this.options.home, handle.cacheKey, connection.tools);
    } catch (error) {
      // A start that completes just as the timeout fires is closed, so no server is left running unseen.
      attempt.then((late) => late.close().catch(() => {})).catch(() => {});
      handle.status = handle.restarts > 0 ? "stopped" : "failed";
      handle.reason = errorMessage(error);
      if (!this.closing)
        this.options.onNotice(
          `MCP server "${entry.name}" ${handle.restarts > 0 ? "could not be restarted" : "did not start"}: ${handle.reason}. Its tools are left out of this session (${entry.source}).`,
        );
    } finally {
      clearTimeout(timer);
      this.starting.delete(start);
    }
  }

  private lost(handle: ServerHandle, connection: McpConnection, reason: string): void {
    if (this.closing || handle.connection !== connection) return;
    delete handle.connection;
    if (handle.restarts === 0) {
      handle.restarts++;
      handle.status = "restarting";
      this.options.onNotice(`MCP server "${handle.entry.name}" stopped (${reason}); starting it again once.`);
      handle.ready = this.connect(handle);
      return;
    }
    handle.status = "stopped";
    handle.reason = `${reason}, and it had already been restarted once`;
    this.options.onNotice(
      `MCP server "${handle.entry.name}" stopped again; its tools answer with an error for the rest of this session.`,
    );
  }

  private async call(
    handle: ServerHandle,
    tool: string,
    args: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<McpCallResult> {
    this.start();
    if (handle.status === "starting" || handle.status === "restarting") await handle.ready;
    const connection = handle.connection;
    if (!connection || handle.status !== "ready")
      throw new Error(
        `the MCP server "${handle.entry.name}" is not available: ${handle.reason ?? handle.status}`,
      );
    try {
      return await connection.callTool(tool, args, { signal, timeoutMs: this.options.callTimeoutMs });
    } catch (error) {
      if (handle.connection !== connection)
        throw new Error(
          `the MCP server "${handle.entry.name}" stopped during the call (${errorMessage(error)})`,
        );
      throw error;
    }
  }

  private buildTools(handle: ServerHandle): Tool[] {
    const seen = new Set<string>();
    return handle.toolInfos.flatMap((info) => {
      const tool = createMcpTool({
        server: handle.entry.name,
        info,
        trustReadOnlyHint: this.options.trustReadOnlyHints,
        call: (args, signal) => this.call(handle, info.name, args, signal),
      });
      if (seen.has(tool.name)) return [];
      seen.add(tool.name);
      return [tool];
    });
  }
}
