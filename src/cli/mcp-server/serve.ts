import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { inboxFolder, ReviewInbox } from "../../memory/inbox/review-inbox.ts";
import { reviewedTarget } from "../../memory/inbox/reviewed-target.ts";
import { openMemory } from "../../memory/memory-setup.ts";
import { SERVER_INSTRUCTIONS } from "./instructions.ts";
import { registerMemoryTools } from "./memory-tools.ts";
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
 */
export async function serveMemoryOverMcp(
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<void> {
  const log = (line: string) => process.stderr.write(`tacit mcp: ${line}\n`);
  const memory = openMemory({
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.env ? { env: options.env } : {}),
    onNotice: log,
  });
  if (memory.disabledInSettings)
    log("memory is turned off in settings for tacit's runs; serving it on explicit request");
  const inbox = new ReviewInbox(inboxFolder(memory.home, memory.projectRoot));
  const server = new McpServer(
    { name: "tacit", version: typeof TACIT_VERSION === "string" ? TACIT_VERSION : "dev" },
    { instructions: SERVER_INSTRUCTIONS, capabilities: { tools: {} } },
  );
  const actor = () => actorOf(server.server.getClientVersion()?.name);
  const target = reviewedTarget(memory.service.store, inbox, {
    review: mcpReviewSetting(memory.home, log),
    session: actor(),
  });
  registerMemoryTools(server, { service: memory.service, target, inbox, actor, log });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
    // The client closing our stdin is the end of the session (the stdio transport alone does not notice).
    process.stdin.once("end", () => void server.close().then(resolve, resolve));
  });
  try {
    await server.connect(transport);
    await closed;
  } finally {
    memory.close();
  }
}
