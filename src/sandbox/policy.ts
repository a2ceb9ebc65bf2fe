import { existsSync } from "node:fs";
import path from "node:path";
import { expandHome } from "../config/paths.ts";
import type { SandboxSettings } from "../config/settings-schema.ts";

/**
 * What a sandboxed command may do, resolved to absolute paths once per run.
 * The same policy drives bubblewrap on Linux and sandbox-exec on macOS.
 */
export interface SandboxPolicy {
  /** workspace-write: the project, temp and writablePaths are writable; read-only: only temp is. */
  mode: "workspace-write" | "read-only";
  /** The project: writable in workspace-write mode, and readable in both (even under the host's /tmp). */
  projectRoot: string;
  /** Folders a command may write (absolute), besides its private temp folder. Empty in read-only mode. */
  writableRoots: string[];
  /**
   * Paths that stay read-only even inside a writable root: what a command could
   * plant there to widen tacit's powers later (git hooks and config, tacit's
   * settings and project memory, the user's own tacit folder).
   */
  readOnlyPaths: string[];
  /** Paths a command cannot even read (credentials), replaced by an empty file or folder. */
  hiddenPaths: string[];
  network: boolean;
  /** Environment variables removed before the command starts: the model keys tacit holds. */
  hiddenVariables: string[];
}

/**
 * Credential files and folders hidden from sandboxed commands by default: a
 * command that can read them could print them into the conversation (and so
 * to the provider). `sandbox.hiddenPaths` adds to this list; it cannot remove
 * from it (a repository's settings must not be able to un-hide ~/.ssh).
 */
export const DEFAULT_HIDDEN_PATHS = [
  "~/.ssh",
  "~/.aws",
  "~/.gnupg",
  "~/.netrc",
  "~/.pgpass",
  "~/.git-credentials",
  "~/.docker/config.json",
  "~/.kube",
  "~/.azure",
  "~/.config/gcloud",
  "~/.config/gh",
  "~/.npmrc",
  "~/.pypirc",
  "~/.cargo/credentials",
  "~/.cargo/credentials.toml",
  "~/.terraform.d/credentials.tfrc.json",
];

/** Files in the home folder that run code later, unsandboxed: kept read-only when the home folder is writable. */
const HOME_STARTUP_FILES = [
  "~/.bashrc",
  "~/.bash_profile",
  "~/.bash_login",
  "~/.profile",
  "~/.zshrc",
  "~/.zshenv",
  "~/.zprofile",
  "~/.config/fish",
  "~/.gitconfig",
  "~/.config/git",
];

export interface PolicyInput {
  settings: SandboxSettings | undefined;
  projectRoot: string;
  /** TACIT_HOME: the user's settings, memory and database. */
  tacitHome: string;
  env: NodeJS.ProcessEnv;
  /** Variables holding the model keys tacit uses (see providerKeyVariables). */
  keyVariables?: string[];
}

/** The sandbox policy the settings ask for; undefined when the sandbox is off. */
export function resolveSandboxPolicy(input: PolicyInput): SandboxPolicy | undefined {
  const settings = input.settings ?? {};
  const mode = settings.mode ?? "workspace-write";
  if (mode === "off") return undefined;
  const projectRoot = path.resolve(input.projectRoot);
  const absolute = (entry: string) => path.resolve(projectRoot, expandHome(entry, input.env));
  const writableRoots =
    mode === "read-only"
      ? []
      : unique([projectRoot, ...(settings.writablePaths ?? []).map(absolute)])
          .filter(existsSync)
          // Started in / (not a repository), "the project" would be the whole machine.
          .filter((root) => root !== path.parse(root).root);
  // Listed whether they exist or not: sandbox-exec denies by path, and bubblewrap
  // covers a missing guarded folder with an empty read-only one (see bubblewrap.ts).
  const readOnlyPaths = unique([
    // Hooks and config run code on the user's next git command, outside any sandbox.
    ...writableRoots.flatMap((root) => [path.join(root, ".git", "hooks"), path.join(root, ".git", "config")]),
    // The whole folder, not just settings files: a command must not create
    // `.tacit/settings.local.json`, and project memories are read into prompts.
    path.join(projectRoot, ".tacit"),
    path.resolve(input.tacitHome),
    // Run where the home folder itself is writable (tacit started in ~, or ~ in writablePaths):
    // files that run code in the user's next shell or git command, outside any sandbox.
    ...HOME_STARTUP_FILES.map((entry) => expandHome(entry, input.env)),
  ]).filter((entry) => writableRoots.some((root) => isInsideOrSame(entry, root)));
  const hiddenPaths = unique(
    [...DEFAULT_HIDDEN_PATHS, ...(settings.hiddenPaths ?? [])].map(absolute).filter(existsSync),
  );
  return {
    mode,
    projectRoot,
    writableRoots,
    readOnlyPaths,
    hiddenPaths,
    network: settings.network === true,
    hiddenVariables: input.keyVariables ?? [],
  };
}

export function isInsideOrSame(filePath: string, directory: string): boolean {
  const relative = path.relative(directory, filePath);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

function unique(paths: string[]): string[] {
  return [...new Set(paths)];
}
