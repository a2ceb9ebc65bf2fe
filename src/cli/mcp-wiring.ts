import { readFileSync } from "node:fs";
import { type McpServerEntry, readMcpServers } from "../config/mcp-servers.ts";
import { userSettingsPath } from "../config/paths.ts";
import { hiddenVariables } from "../config/provider-keys.ts";
import { declineRepository, repositoryTrust, trustRepository } from "../config/repository-trust.ts";
import type { Settings } from "../config/settings.ts";
import { McpManager } from "../tools/mcp/mcp-manager.ts";
import { describeServer, listRepositoryHooks, repositoryCommandLines } from "./repository-commands.ts";

/**
 * The TUI's one question at start: may this repository's commands run? "once" starts them for this
 * session; "always" records trust; "no" is remembered until the files change.
 */
export type AskRepositoryTrust = (commands: string[]) => Promise<"once" | "always" | "no">;

export interface McpSetupInput {
  home: string;
  projectRoot: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  settings: Settings;
  onNotice(line: string): void;
  /** Interactive runs ask about an untrusted repository's servers; headless runs skip them with a line. */
  askTrust?: AskRepositoryTrust;
  /** Told when the user trusts the repository at that question (once or always): its hooks run from then on. */
  onRepositoryTrusted?: () => void;
}

/** The servers a run may start and how long they get: shared by sessions and `tacit mcp list`. */
export function mcpServerPlan(input: Omit<McpSetupInput, "onNotice">): {
  servers: McpServerEntry[];
  untrusted: McpServerEntry[];
  changedSinceTrust: boolean;
  declined: boolean;
  warnings: string[];
} {
  const { servers, warnings } = readMcpServers({
    home: input.home,
    projectRoot: input.projectRoot,
    env: input.env,
    hiddenVariables: hiddenVariables(input.settings),
  });
  const fromRepository = servers.filter((server) => server.origin === "repository");
  // Trust is judged (its record read, the repository's files hashed) only when the repository names servers.
  const trust = fromRepository.length > 0 ? repositoryTrust(input.home, input.projectRoot) : undefined;
  if (!trust || trust.trusted)
    return { servers, untrusted: [], changedSinceTrust: false, declined: false, warnings };
  return {
    servers: servers.filter((server) => server.origin === "user"),
    untrusted: fromRepository,
    changedSinceTrust: trust.changedSinceTrust,
    declined: trust.declined === true,
    warnings,
  };
}

/**
 * The session's MCP servers, not yet started: the caller starts them once the
 * first request is out (headless) or at once (the TUI, where the user is still
 * typing), so their start never competes with the first request; the manager's
 * tools() (cached lists included) are offered from the first request. A
 * repository's servers are left out until the repository is trusted, with one
 * line saying which and how to trust them (or, in the TUI, a question).
 */
export function startMcpServers(input: McpSetupInput): McpManager {
  const plan = mcpServerPlan(input);
  for (const warning of plan.warnings) input.onNotice(warning);
  // The question covers the repository's hooks too: a repository with hooks and no servers is asked as well.
  const waitingHooks =
    plan.untrusted.length === 0 && (listRepositoryHooks?.(input.projectRoot).length ?? 0) > 0
      ? repositoryTrust(input.home, input.projectRoot)
      : undefined;
  const hooksNeedTrust = waitingHooks !== undefined && !waitingHooks.trusted && !waitingHooks.declined;
  const askTrust =
    (plan.untrusted.length > 0 && !plan.declined) || hooksNeedTrust ? input.askTrust : undefined;
  if (plan.untrusted.length > 0 && !askTrust)
    input.onNotice(untrustedNotice(plan.untrusted, plan.changedSinceTrust, input.projectRoot));
  const own = userMcpSettings(input.home);
  const manager = new McpManager({
    servers: plan.servers,
    home: input.home,
    cwd: input.projectRoot,
    baseEnv: serverEnvironment(input.env, hiddenVariables(input.settings)),
    startupTimeoutMs: (own.startupTimeoutSeconds ?? 30) * 1000,
    callTimeoutMs: (own.callTimeoutSeconds ?? 300) * 1000,
    trustReadOnlyHints: own.trustReadOnlyHints === true,
    onNotice: input.onNotice,
  });
  // Asked in the background: the user's own servers and the session do not wait for the answer.
  if (askTrust) void askToTrust(input, askTrust, plan.untrusted, manager);
  return manager;
}

async function askToTrust(
  input: McpSetupInput,
  askTrust: AskRepositoryTrust,
  untrusted: McpServerEntry[],
  manager: McpManager,
): Promise<void> {
  const commands = repositoryCommandLines(input.projectRoot, untrusted, listRepositoryHooks);
  let answer: "once" | "always" | "no";
  try {
    answer = await askTrust(commands);
  } catch (error) {
    // Not answered (no UI to ask): nothing recorded, asked again next time.
    input.onNotice(`${untrustedNotice(untrusted, false, input.projectRoot)} (${(error as Error).message})`);
    return;
  }
  try {
    if (answer === "always") trustRepository(input.home, input.projectRoot);
    if (answer === "no") declineRepository(input.home, input.projectRoot);
  } catch (error) {
    input.onNotice(`could not record your answer: ${(error as Error).message}`);
  }
  if (answer === "no")
    input.onNotice('the repository\'s MCP servers and hooks do not run; "tacit trust" trusts it later.');
  else {
    manager.add(untrusted);
    input.onRepositoryTrusted?.();
  }
}

function untrustedNotice(untrusted: McpServerEntry[], changed: boolean, projectRoot: string): string {
  const names = untrusted.map((server) => describeServer(server, projectRoot)).join("; ");
  const why = changed
    ? "this repository's files that name commands changed since you trusted it"
    : "this repository is not trusted";
  return `not starting the repository's MCP servers (${names}): ${why}. Review them and trust the repository with "tacit trust".`;
}

/**
 * What a stdio server inherits: the user's environment without the model keys
 * and `sandbox.hiddenEnv` (as hooks and sandboxed commands, so a server never
 * sees the keys tacit sends to model providers nor what the user hid); the
 * server's own `env` entries are added on top by the manager.
 */
function serverEnvironment(env: NodeJS.ProcessEnv, hidden: readonly string[]): Record<string, string> {
  const hiddenSet = new Set(hidden);
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !hiddenSet.has(entry[0]),
    ),
  );
}

/** The `mcp` settings, read from the user's own file only: a repository cannot loosen them. */
function userMcpSettings(home: string): NonNullable<Settings["mcp"]> {
  try {
    const parsed = JSON.parse(readFileSync(userSettingsPath(home), "utf8")) as { mcp?: unknown };
    const mcp = parsed.mcp;
    if (typeof mcp !== "object" || mcp === null) return {};
    const given = mcp as Record<string, unknown>;
    const seconds = (value: unknown) =>
      typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
    const startup = seconds(given.startupTimeoutSeconds);
    const call = seconds(given.callTimeoutSeconds);
    return {
      ...(given.trustReadOnlyHints === true ? { trustReadOnlyHints: true } : {}),
      ...(startup ? { startupTimeoutSeconds: startup } : {}),
      ...(call ? { callTimeoutSeconds: call } : {}),
    };
  } catch {
    return {};
  }
}
