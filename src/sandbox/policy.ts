import { existsSync } from "node:fs";
import path from "node:path";
import { expandHome } from "../config/paths.ts";
import { isInside } from "../config/real-path.ts";
import type { SandboxSettings } from "../config/settings-schema.ts";
import { privateFolderPath } from "../core/private-folder.ts";
import { AGENT_VARIABLES, agentSocketPaths } from "./agent-sockets.ts";
import { configuredHooksFolder, gitPathsToGuard } from "./git-folders.ts";
import { DEFAULT_HIDDEN_PATHS, SOCKET_FOLDERS } from "./hidden-paths.ts";
import { homeStartupPaths, withoutLinksBelowRoot } from "./home-startup.ts";
import { type StateFolder, stateFolders, withoutHiddenState } from "./tacit-state.ts";

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
   * plant there to run code or widen tacit's powers later (every `.git`,
   * tacit's settings and project memory, the user's own tacit folder).
   */
  readOnlyPaths: string[];
  /**
   * Folders among readOnlyPaths that are held even when missing (covered by an
   * empty read-only folder), so that a command cannot create them: tacit's
   * `.tacit`, a hooks folder that git's `core.hooksPath` names, the home
   * start-up folders (home-startup.ts).
   */
  guardedWhenMissing: string[];
  /** The same for files (the home start-up files), covered by an empty read-only file. */
  guardedFilesWhenMissing: string[];
  /** Paths a command cannot even read (credentials), replaced by an empty file or folder. */
  hiddenPaths: string[];
  /**
   * tacit's own state folders (tacit-state.ts), hidden whole but for the
   * folders in `shown`, which a command may read (never write). Real paths.
   */
  stateFolders: StateFolder[];
  network: boolean;
  /**
   * Environment variables the command (and the sandbox program itself) never
   * gets: the model keys tacit holds, the agents' variables (agent-sockets.ts), plus `sandbox.hiddenEnv`.
   */
  hiddenVariables: string[];
}

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
  const configuredHooks = mode === "read-only" ? undefined : configuredHooksFolder(projectRoot);
  const hooksFolder = configuredHooks ? absolute(configuredHooks) : undefined;
  // tacit's private folder (core/private-folder.ts) holds code a later run executes outside any sandbox
  // (the headless bundle's code cache) when it lies inside a writable root (tacit started in the temp folder).
  const privateFolder = privateFolderPath(input.env);
  // Run where the home folder itself is writable (tacit started in ~, or ~ in writablePaths):
  // files that run code in the user's next shell or git command, outside any sandbox.
  const startup = homeStartupPaths(input.env);
  const guarded = (entries: string[]) => entries.map((entry) => withoutLinksBelowRoot(entry, writableRoots));
  const guardedWhenMissing = guarded([
    path.join(projectRoot, ".tacit"),
    ...(hooksFolder ? [hooksFolder] : []),
    ...(privateFolder ? [privateFolder] : []),
    ...startup.folders,
  ]).filter(isDefined);
  const guardedFilesWhenMissing = guarded(startup.files).filter(isDefined);
  // tacit's state folders (TACIT_HOME, and ~/.tacit when TACIT_HOME is elsewhere): hidden whole but for
  // what a command may read (tacit-state.ts), and never written: a settings file with hooks planted in
  // either would run in a later, unsandboxed run.
  const state = stateFolders(input.tacitHome, projectRoot, input.env);
  const readOnlyPaths = unique([
    ...guarded([
      // Every .git runs code on the user's next git command, outside any sandbox (see git-folders.ts).
      // Nested repositories are looked for in the project only: other writable roots are caches.
      ...writableRoots.flatMap((root) => gitPathsToGuard(root, root === projectRoot)),
    ]).filter(isDefined),
    // .tacit whole, not just settings files: a command must not create
    // `.tacit/settings.local.json`, and project memories are read into prompts.
    // And a hooks folder in the project, which the user's next commit runs (guarded where listed).
    ...guardedWhenMissing,
    ...guardedFilesWhenMissing,
    ...guarded([path.resolve(input.tacitHome), ...state.map(({ folder }) => folder)]).filter(isDefined),
  ]).filter((entry) => writableRoots.some((root) => isInside(entry, root)));
  const runtimeFolder = input.env.XDG_RUNTIME_DIR ? [input.env.XDG_RUNTIME_DIR] : [];
  const hiddenPaths = withoutHiddenState(
    unique(
      [
        ...DEFAULT_HIDDEN_PATHS,
        ...SOCKET_FOLDERS,
        ...runtimeFolder,
        ...agentSocketPaths(input.env, expandHome("~", input.env), [
          projectRoot,
          ...writableRoots,
          path.resolve(input.tacitHome),
        ]),
        ...state.flatMap((folder) => folder.hiddenInShown),
        ...(settings.hiddenPaths ?? []),
      ]
        .map(absolute)
        .filter(existsSync)
        // Started inside one (a project in ~/.claude/skills), the user chose to work there.
        .filter((entry) => !isInside(projectRoot, entry)),
    ).filter((entry, _index, all) => !all.some((other) => other !== entry && isInside(entry, other))),
    state,
    [projectRoot, ...writableRoots],
  );
  return {
    mode,
    projectRoot,
    writableRoots,
    readOnlyPaths,
    guardedWhenMissing: guardedWhenMissing.filter((entry) => readOnlyPaths.includes(entry)),
    guardedFilesWhenMissing: guardedFilesWhenMissing.filter((entry) => readOnlyPaths.includes(entry)),
    hiddenPaths,
    stateFolders: state.map(({ folder, shown }) => ({ folder, shown })),
    network: settings.network === true,
    hiddenVariables: unique([
      ...(input.keyVariables ?? []),
      ...AGENT_VARIABLES,
      ...(settings.hiddenEnv ?? []),
    ]),
  };
}

function isDefined(entry: string | undefined): entry is string {
  return entry !== undefined;
}

function unique(paths: string[]): string[] {
  return [...new Set(paths)];
}
