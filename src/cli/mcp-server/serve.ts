import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { traceStartup } from "../../core/startup-trace.ts";
import { inboxFolder, ReviewInbox } from "../../memory/inbox/review-inbox.ts";
import { reviewedTarget } from "../../memory/inbox/reviewed-target.ts";
import { type OpenMemory, openMemory } from "../../memory/memory-setup.ts";
import { SERVER_INSTRUCTIONS } from "./instructions.ts";
import { type OpenedMemory, registerMemoryTools } from "./memory-tools.ts";
import { mcpReviewSetting } from "./review-setting.ts";

declare const TACIT_VERSION: string;

/** Client names go into commit messages and frontmatter: one short line of safe characters. */
function actorOf(clientName: string | undefined): string {
  const clean = (clientName ?? "")
    .replace(/[^\w.@/+-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return `mcp:${clean || "unknown-client"}`;
}

/**
 * `tacit mcp serve`: tacit's memory over MCP on stdin/stdout, for the project
 * the client started it in (its cwd). stdout carries only the protocol; what
 * the user should see (settings problems, store notices) goes to stderr. The
 * server runs until the client closes stdin.
 *
 * Memory (settings, the database, the index) opens after `initialize` is
 * answered, while the client reads the answer and sends its first request,
 * so the handshake never waits for it; a request that comes first opens it.
 */
export async function serveMemoryOverMcp(
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<void> {
  const log = (line: string) => process.stderr.write(`tacit mcp: ${line}\n`);
  const server = new McpServer(
    { name: "tacit", version: typeof TACIT_VERSION === "string" ? TACIT_VERSION : "dev" },
    { instructions: SERVER_INSTRUCTIONS, capabilities: { tools: {} } },
  );
  const actor = () => actorOf(server.server.getClientVersion()?.name);
  let opened: { memory: OpenMemory; tools: OpenedMemory } | undefined;
  const open = (): OpenedMemory => {
    if (opened) return opened.tools;
    const memory = openMemory({
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.env ? { env: options.env } : {}),
      onNotice: log,
    });
    if (memory.disabledInSettings)
      log("memory is turned off in settings for tacit's runs; serving it on explicit request");
    const inbox = new ReviewInbox(inboxFolder(memory.home, memory.projectRoot));
    const target = reviewedTarget(memory.service.store, inbox, {
      review: mcpReviewSetting(memory.home, log),
      session: actor(),
    });
    // Memories written while nobody served them (a session, a hand edit) are searchable from the start.
    memory.service.syncIndex();
    opened = { memory, tools: { service: memory.service, target, inbox } };
    traceStartup("mcp serve: memory open");
    return opened.tools;
  };
  registerMemoryTools(server, { open, actor, log });
  server.server.oninitialized = () => setImmediate(() => void safely(open, log));
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
    // The client closing our stdin is the end of the session (the stdio transport alone does not notice).
    process.stdin.once("end", () => void server.close().then(resolve, resolve));
  });
  try {
    await server.connect(new StdioServerTransport());
    traceStartup("mcp serve: listening");
    await closed;
  } finally {
    opened?.memory.close();
  }
}

/** Opening early is an optimisation: a failure is said when a tool needs memory, not here. */
function safely(open: () => unknown, log: (line: string) => void): void {
  try {
    open();
  } catch (error) {
    log(`memory could not be opened yet: ${(error as Error).message}`);
  }
}
