import path from "node:path";
import { repositoryHookCommands } from "../agent/hooks/hook-config.ts";
import type { McpServerConfig, McpServerEntry } from "../config/mcp-servers.ts";
import { terminalSafe } from "../core/terminal-safe.ts";

/**
 * The hook commands a repository's settings name, as connect/hooks reports
 * them (`repositoryHookCommands` in src/agent/hooks/). Passed in, so what
 * `tacit trust` and the TUI's prompt list grows with that part without this
 * file knowing how hooks are read.
 */
export type RepositoryHookLister = (projectRoot: string) => Array<{ event: string; command: string }>;

/** The hook commands of a repository's settings (agent/hooks/hook-config.ts). */
export const listRepositoryHooks: RepositoryHookLister | undefined = repositoryHookCommands;

/**
 * One server as the user should judge it: its name, where it is defined, and
 * exactly what would run: the command and arguments, its `env` entries (a PATH
 * or NODE_OPTIONS there changes what the command is), an HTTP server's
 * headers, and which of the user's variables it expands. Values are shown as
 * written (`${GITHUB_TOKEN}`, never the token), every word escaped so terminal
 * control characters cannot hide part of the line.
 */
export function describeServer(server: McpServerEntry, projectRoot?: string): string {
  const relative = projectRoot ? path.relative(projectRoot, server.source) : "";
  // Inside the project as `.mcp.json`; the user's own file by its full path.
  const source =
    relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : server.source;
  const uses = server.variables.length
    ? `; receives your environment variables ${server.variables.map((name) => `$${name}`).join(", ")}`
    : "";
  return `${terminalSafe(server.name)} (${terminalSafe(source)}): ${describeConfig(server.shown)}${uses}`;
}

function describeConfig(config: McpServerConfig): string {
  if (config.type === "stdio") {
    const env = Object.entries(config.env).map(([name, value]) => shellWord(`${name}=${value}`));
    const command = [config.command, ...config.args].map(shellWord).join(" ");
    return env.length ? `${command} (env: ${env.join(" ")})` : command;
  }
  const headers = Object.entries(config.headers).map(([name, value]) => terminalSafe(`${name}: ${value}`));
  return `${terminalSafe(config.url)} (HTTP${headers.length ? `; headers: ${headers.join("; ")}` : ""})`;
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
  for (const hook of listHooks?.(projectRoot) ?? [])
    lines.push(`hook ${terminalSafe(hook.event)}: ${terminalSafe(hook.command)}`);
  return lines;
}

/** A word as a shell would need it, so the command shown is the command run; control characters escaped. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${terminalSafe(word).replace(/'/g, "'\\''")}'`;
}
