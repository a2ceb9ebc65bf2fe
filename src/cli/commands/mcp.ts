import { existsSync } from "node:fs";
import path from "node:path";
import { writeOwnLocalSettings } from "../../config/local-settings-trust.ts";
import {
  deleteMcpServer,
  type McpServerConfig,
  parseMcpServer,
  projectMcpPath,
  readMcpServers,
  writeMcpServer,
} from "../../config/mcp-servers.ts";
import { findProjectRoot, localSettingsPath, tacitHome, userSettingsPath } from "../../config/paths.ts";
import { ensurePrivateHome, OWNER_ONLY_FILE_MODE } from "../../config/private-store.ts";
import { repositoryTrust, trustRepository } from "../../config/repository-trust.ts";
import { loadSettings } from "../../config/settings.ts";
import { ConfigError } from "../../core/errors.ts";
import { printStderrLine } from "../../core/terminal-safe.ts";
import { mcpToolName } from "../../tools/mcp/mcp-tool.ts";
import { mcpServerPlan, startMcpServers } from "../mcp-wiring.ts";
import { describeServer } from "../repository-commands.ts";

function here() {
  const cwd = process.cwd();
  const projectRoot = findProjectRoot(cwd);
  const home = tacitHome();
  const { settings } = loadSettings({ cwd, projectRoot, home, env: process.env, onWarning: () => {} });
  return { cwd, projectRoot, home, env: process.env, settings };
}

/**
 * `tacit mcp list`: every configured server, where it is defined, whether it
 * may run (a repository's waits for trust), and, after connecting to each
 * that may, its status and tools.
 */
export async function listMcpCommand(options: { json?: boolean }): Promise<void> {
  const context = here();
  const plan = mcpServerPlan(context);
  for (const warning of plan.warnings) printStderrLine(`warning: ${warning}`);
  const notices: string[] = [];
  // Connecting reports what a session would see; failures are in the table, not printed twice.
  const manager = startMcpServers({ ...context, onNotice: (line) => notices.push(line) });
  manager.start();
  await manager.settled();
  const rows = [
    ...manager.statuses().map(({ entry, status, reason, tools }) => ({
      name: entry.name,
      source: entry.source,
      origin: entry.origin,
      trusted: true,
      status,
      ...(reason ? { reason } : {}),
      tools: tools.map((tool) => mcpToolName(entry.name, tool.name)),
    })),
    ...plan.untrusted.map((entry) => ({
      name: entry.name,
      source: entry.source,
      origin: entry.origin,
      trusted: false,
      status: "not started: repository not trusted",
      tools: [] as string[],
    })),
  ];
  await manager.close();
  if (options.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    process.stdout.write(
      'No MCP servers. Add one with "tacit mcp add <name> -- <command…>", or in .mcp.json (Claude Code\'s format).\n',
    );
    return;
  }
  for (const row of rows) {
    const entry = [...plan.servers, ...plan.untrusted].find((server) => server.name === row.name);
    process.stdout.write(`${entry ? describeServer(entry, context.projectRoot) : row.name}\n`);
    const origin =
      row.origin === "repository"
        ? row.trusted
          ? "repository, trusted"
          : "repository, NOT trusted"
        : "yours";
    process.stdout.write(
      `  ${origin} · ${row.status}${"reason" in row && row.reason ? `: ${row.reason}` : ""}\n`,
    );
    if (row.tools.length) process.stdout.write(`  tools: ${row.tools.join(", ")}\n`);
  }
  if (plan.untrusted.length)
    process.stdout.write(
      '\nThe repository\'s servers start once you trust it: run "tacit trust" to review them.\n',
    );
}

export interface AddMcpOptions {
  scope?: string;
  env?: string[];
  url?: string;
  header?: string[];
}

/** `tacit mcp add <name> [--scope user|project] [--env K=V] [--url URL [--header K:V]] -- <command…>` */
export async function addMcpCommand(name: string, command: string[], options: AddMcpOptions): Promise<void> {
  const context = here();
  const scope = options.scope ?? "user";
  if (scope !== "user" && scope !== "project")
    throw new ConfigError(`--scope must be "user" or "project" (got "${scope}")`);
  const raw = options.url
    ? { type: "http", url: options.url, headers: pairs(options.header ?? [], ":", "--header") }
    : { command: command[0], args: command.slice(1), env: pairs(options.env ?? [], "=", "--env") };
  if (options.url && command.length > 0)
    throw new ConfigError("give either --url or a command after --, not both");
  if (!options.url && command.length === 0)
    throw new ConfigError(
      "no command: tacit mcp add <name> -- <command> [args…] (or --url for an HTTP server)",
    );
  const parsed: McpServerConfig | string = parseMcpServer(name, raw);
  if (typeof parsed === "string") throw new ConfigError(`cannot add MCP server "${name}": ${parsed}`);
  const file = scope === "user" ? userSettingsPath(context.home) : projectMcpPath(context.projectRoot);
  // Trust covers .mcp.json: a repository trusted before the user's own change stays trusted after it.
  const wasTrusted = scope === "project" && repositoryTrust(context.home, context.projectRoot).trusted;
  // A user-scope server's headers and env may hold tokens: ~/.tacit and its settings are the user's alone.
  // The project's .mcp.json is shared through the repository and keeps its mode, and is never written
  // through a link out of the project (atomic-write.ts).
  if (scope === "user") ensurePrivateHome(context.home);
  writeMcpServer(
    file,
    name,
    parsed,
    scope === "user"
      ? { mode: OWNER_ONLY_FILE_MODE }
      : scope === "project"
        ? { within: context.projectRoot }
        : {},
  );
  if (wasTrusted) trustRepository(context.home, context.projectRoot);
  process.stdout.write(`Added MCP server "${name}" to ${file}.\n`);
  if (scope === "project" && !wasTrusted)
    process.stdout.write('Servers in .mcp.json start once you trust this repository: run "tacit trust".\n');
}

/** `tacit mcp remove <name>`: from whichever of the user's or the project's files define it. */
export async function removeMcpCommand(name: string, options: { scope?: string }): Promise<void> {
  const context = here();
  const files = [
    { scope: "user", file: userSettingsPath(context.home) },
    { scope: "project", file: projectMcpPath(context.projectRoot) },
    { scope: "local", file: localSettingsPath(context.projectRoot) },
  ].filter((candidate) => !options.scope || candidate.scope === options.scope);
  const removed: string[] = [];
  for (const { scope, file } of files) {
    if (!existsSync(file)) continue;
    const wasTrusted = scope !== "user" && repositoryTrust(context.home, context.projectRoot).trusted;
    const within = scope === "user" ? undefined : context.projectRoot;
    // tacit's own write to the local file keeps it the user's own (config/local-settings-trust.ts).
    const deleted =
      scope === "local"
        ? writeOwnLocalSettings(context.home, context.projectRoot, () => deleteMcpServer(file, name, within))
        : deleteMcpServer(file, name, within);
    if (!deleted) continue;
    // Removing a server only narrows what runs: a trusted repository stays trusted.
    if (wasTrusted) trustRepository(context.home, context.projectRoot);
    removed.push(file);
  }
  if (removed.length === 0) {
    const known = readMcpServers({ ...context, hiddenVariables: [] }).servers.find(
      (server) => server.name === name,
    );
    throw new ConfigError(
      known
        ? `MCP server "${name}" is defined in ${path.relative(context.cwd, known.source) || known.source}, which "tacit mcp remove" does not change; edit it there.`
        : `no MCP server named "${name}"`,
    );
  }
  for (const file of removed) process.stdout.write(`Removed MCP server "${name}" from ${file}.\n`);
}

/** `K=V` (or `K:V`) pairs into an object; a malformed one is an error naming the flag. */
function pairs(values: string[], separator: string, flag: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf(separator);
    if (at <= 0) throw new ConfigError(`${flag} takes NAME${separator}VALUE (got "${value}")`);
    result[value.slice(0, at).trim()] = value.slice(at + 1).trim();
  }
  return result;
}
