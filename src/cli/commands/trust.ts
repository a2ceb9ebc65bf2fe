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
import { printStderrLine } from "../../core/terminal-safe.ts";
import { listRepositoryHooks, repositoryCommandLines } from "../repository-commands.ts";

/**
 * What trusting this repository would let run, one line each, and the
 * servers that cannot run at all (a bad entry, a hidden variable, an unreadable file), one warning each.
 */
export function repositoryCommandsHere(cwd: string): {
  projectRoot: string;
  home: string;
  lines: string[];
  warnings: string[];
} {
  const projectRoot = findProjectRoot(cwd);
  const home = tacitHome();
  const { settings } = loadSettings({ cwd, projectRoot, home, env: process.env, onWarning: () => {} });
  const { servers, warnings } = readMcpServers({
    home,
    projectRoot,
    env: process.env,
    hiddenVariables: hiddenVariables(settings),
  });
  return {
    projectRoot,
    home,
    lines: repositoryCommandLines(projectRoot, servers, listRepositoryHooks),
    warnings,
  };
}

/**
 * `tacit trust [--revoke] [--show]`: shows the commands this repository's
 * files would run (its MCP servers and hooks), then records that the user
 * trusts them; --show only shows, --revoke forgets the trust.
 */
export async function trustCommand(options: { revoke?: boolean; show?: boolean }): Promise<void> {
  const { projectRoot, home, lines, warnings } = repositoryCommandsHere(process.cwd());
  // A server skipped for asking for a hidden variable is said, not silently absent from the list.
  for (const warning of warnings) printStderrLine(`warning: ${warning}`);
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
