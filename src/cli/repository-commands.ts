import path from "node:path";
import { repositoryHookCommands } from "../agent/hooks/hook-config.ts";
import type { McpServerEntry } from "../config/mcp-servers.ts";

/**
 * The hook commands a repository's settings name, as connect/hooks reports
 * them (`repositoryHookCommands` in src/agent/hooks/). Passed in, so what
 * `tacit trust` and the TUI's prompt list grows with that part without this
 * file knowing how hooks are read.
 */
export type RepositoryHookLister = (projectRoot: string) => Array<{ event: string; command: string }>;

/** The hook commands of a repository's settings (agent/hooks/hook-config.ts). */
export const listRepositoryHooks: RepositoryHookLister | undefined = repositoryHookCommands;

/** One server as the user should judge it: its name, where it is defined, and exactly what would run. */
export function describeServer(server: McpServerEntry, projectRoot?: string): string {
  const relative = projectRoot ? path.relative(projectRoot, server.source) : "";
  // Inside the project as `.mcp.json`; the user's own file by its full path.
  const source =
    relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : server.source;
  const config = server.config;
  const what =
    config.type === "stdio"
      ? [config.command, ...config.args].map(shellWord).join(" ")
      : `${config.url} (HTTP)`;
  return `${server.name} (${source}): ${what}`;
}

/** Every command trusting the repository lets run: its MCP servers, then its hooks. */
export function repositoryCommandLines(
  projectRoot: string,
  servers: readonly McpServerEntry[],
  listHooks: RepositoryHookLister | undefined,
): string[] {
  const lines = servers
    .filter((server) => server.origin === "repository")
    .map((server) => `MCP server ${describeServer(server, projectRoot)}`);
  for (const hook of listHooks?.(projectRoot) ?? []) lines.push(`hook ${hook.event}: ${hook.command}`);
  return lines;
}

/** A word as a shell would need it, so the command shown is the command run. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}
