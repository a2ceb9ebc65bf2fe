import {
  acceptLocalSettings,
  type LocalSettingsStanding,
  localSettingsStanding,
  localSettingsText,
} from "../../config/local-settings-trust.ts";
import { readMcpServers } from "../../config/mcp-servers.ts";
import { findProjectRoot, tacitHome } from "../../config/paths.ts";
import { hiddenVariables } from "../../config/provider-keys.ts";
import {
  repositoryTrust,
  repositoryTrustFiles,
  repositoryTrustFolders,
  trustRepository,
  untrustRepository,
} from "../../config/repository-trust.ts";
import { loadSettings } from "../../config/settings.ts";
import {
  type FolderCoverage,
  MAX_CONTENT_BYTES,
  MAX_CONTENT_FILES,
} from "../../config/trust-command-folders.ts";
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
      `${projectRoot} is no longer trusted: its MCP servers and hooks will not run, and its .tacit/settings.local.json counts only as much as the shared settings, until you trust it again.`,
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
  for (const line of folderCoverageLines(repositoryTrustFolders(projectRoot))) out(line);
  const local = localSettingsStanding(home, projectRoot, localSettingsText(projectRoot));
  if (LOCAL_STANDING[local]) out(LOCAL_STANDING[local]);
  if (options.show) return;
  trustRepository(home, projectRoot);
  acceptLocalSettings(home, projectRoot);
  out("Trusted.");
}

/** What trusting does to the project's personal settings file, by where it stands now. */
const LOCAL_STANDING: Record<LocalSettingsStanding, string | undefined> = {
  absent: undefined,
  own: ".tacit/settings.local.json is yours (tacit wrote it or you accepted it).",
  unaccepted:
    ".tacit/settings.local.json is not yet yours: tacit did not write it and you have not accepted it, so it counts only as much as the shared settings. Trusting accepts it as it is now (bypass, sandbox, providers and all).",
  changed:
    ".tacit/settings.local.json changed since tacit wrote it or you accepted it, so it counts only as much as the shared settings. Trusting accepts it as it is now (bypass, sandbox, providers and all).",
};

/** One line for each folder trust covers by something other than every file's content. */
function folderCoverageLines(folders: FolderCoverage[]): string[] {
  return folders.flatMap((coverage) => {
    if (coverage.truncated)
      return [
        `${coverage.folder}/ holds more than ${coverage.files} files: trust covers the first ${coverage.files} (in name order) by name, size and change time, and not the rest.`,
      ];
    if (!coverage.byContent)
      return [
        `${coverage.folder}/ holds ${coverage.files} files (more than ${MAX_CONTENT_FILES}, or more than ${MAX_CONTENT_BYTES / 1024 / 1024} MB in all): trust covers each by name, size and change time, so any write to one, even of the same content, asks again.`,
      ];
    return [];
  });
}
