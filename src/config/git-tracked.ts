import { spawnSync } from "node:child_process";
import { realpathSync } from "node:fs";
import path from "node:path";

/** What git says about one file: tracked (it came with the repository), untracked, or it could not tell. */
export type GitTracking =
  | { state: "tracked" }
  | { state: "untracked" }
  | { state: "unknown"; reason: string };

/**
 * Settings for any git run inside the user's repository: a cloned or unpacked
 * repository's `.git/config` may name a `core.fsmonitor` program (git runs it
 * to list changed files) or a hooks folder; off, git runs nothing it chose.
 */
export const REPOSITORY_GIT_GUARDS = ["-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null"];

/** The environment without inherited GIT_* variables (GIT_DIR, GIT_CONFIG_*), so git asks about this folder. */
export function gitEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("GIT_")));
}

/**
 * Asks git whether a file inside the work tree at `projectRoot` is tracked.
 * Answers "tracked" when the path as given, its real path, or a folder link
 * on the way to it (`.tacit` committed as a symlink) is in git's index; and
 * "unknown" whenever git cannot say (no git, not a repository, a path behind a
 * symlink, a repository owned by someone else), so callers can fail closed.
 *
 * Run with the repository's own hooks and fsmonitor turned off, and without
 * inherited GIT_* variables, so the answer is about this folder and asking
 * runs nothing the repository chose.
 */
export function gitTracking(projectRoot: string, filePath: string): GitTracking {
  const root = path.resolve(projectRoot);
  const candidates = new Set<string>();
  const addRelative = (from: string, target: string) => {
    const relative = path.relative(from, target);
    if (relative && !relative.startsWith("..") && !path.isAbsolute(relative))
      candidates.add(relative.split(path.sep).join("/"));
  };
  addRelative(root, path.resolve(root, filePath));
  try {
    addRelative(realpathSync(root), realpathSync(path.resolve(root, filePath)));
  } catch {
    // A missing file: only the path as given is asked about.
  }
  // Each folder on the way (a committed `.tacit` link makes whatever it points to repository content).
  for (const candidate of [...candidates]) {
    const parts = candidate.split("/");
    for (let end = 1; end < parts.length; end++) candidates.add(parts.slice(0, end).join("/"));
  }
  if (candidates.size === 0) return { state: "unknown", reason: `${filePath} is not inside ${root}` };

  const result = spawnSync(
    "git",
    [
      ...REPOSITORY_GIT_GUARDS,
      "ls-files",
      "-z",
      "--",
      ...[...candidates].map((candidate) => `:(literal,icase)${candidate}`),
    ],
    {
      cwd: root,
      env: gitEnvironment(),
      encoding: "utf8",
      timeout: 10_000,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  if (result.error) return { state: "unknown", reason: `git could not run (${result.error.message})` };
  if (result.status !== 0) {
    const firstLine = (result.stderr ?? "").trim().split("\n")[0] || `git exited with ${result.status}`;
    return { state: "unknown", reason: firstLine.replace(/^fatal: /, "") };
  }
  // Folders list their files; only an entry that IS one of the candidates (the file, or a linked folder) counts.
  const wanted = new Set([...candidates].map((candidate) => candidate.toLowerCase()));
  const tracked = result.stdout.split("\0").some((entry) => wanted.has(entry.toLowerCase()));
  return tracked ? { state: "tracked" } : { state: "untracked" };
}
