import { readMcpServers } from "../../config/mcp-servers.ts";
import { findProjectRoot, tacitHome } from "../../config/paths.ts";
import { hiddenVariables } from "../../config/provider-keys.ts";
import {
  repositoryTrust,
  repositoryTrustFiles,
  trustRepository,
  untrustRepository,
} from "../../config/repository-trust.ts";
import { loadSettings } from "../../config/settings.ts";
import { listRepositoryHooks, repositoryCommandLines } from "../repository-commands.ts";

/** What trusting this repository would let run, one line each. */
export function repositoryCommandsHere(cwd: string): { projectRoot: string; home: string; lines: string[] } {
  const projectRoot = findProjectRoot(cwd);
  const home = tacitHome();
  const { settings } = loadSettings({ cwd, projectRoot, home, env: process.env, onWarning: () => {} });
  const { servers } = readMcpServers({
    home,
    projectRoot,
    env: process.env,
    hiddenVariables: hiddenVariables(settings),
  });
  return { projectRoot, home, lines: repositoryCommandLines(projectRoot, servers, listRepositoryHooks) };
}

/**
 * `tacit trust [--revoke] [--show]`: shows the commands this repository's
 * files would run (its MCP servers and hooks), then records that the user
 * trusts them; --show only shows, --revoke forgets the trust.
 */
export async function trustCommand(options: { revoke?: boolean; show?: boolean }): Promise<void> {
  const { projectRoot, home, lines } = repositoryCommandsHere(process.cwd());
  const state = repositoryTrust(home, projectRoot);
  const out = (text: string) => process.stdout.write(`${text}\n`);
  if (options.revoke) {
    untrustRepository(home, projectRoot);
    out(
      `${projectRoot} is no longer trusted: its MCP servers and hooks will not run until you trust it again.`,
    );
    return;
  }
  const status = state.trusted
    ? "trusted"
    : state.changedSinceTrust
      ? "NOT trusted: its files changed since you trusted it"
      : "not trusted";
  out(`${projectRoot}: ${status}.`);
  if (lines.length === 0) out("It names no commands to run (no MCP servers or hooks in its files).");
  else {
    out("Trusting it lets these run, as you, with your files:");
    for (const line of lines) out(`  ${line}`);
  }
  out(`Trust covers ${repositoryTrustFiles(projectRoot).join(", ")}; a change to any of them asks again.`);
  if (options.show) return;
  trustRepository(home, projectRoot);
  out("Trusted.");
}
