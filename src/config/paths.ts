import { existsSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { sha256Hex } from "../core/sha256.ts";

/** Where tacit keeps the user's own state: TACIT_HOME, or ~/.tacit. */
export function tacitHome(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.TACIT_HOME?.trim();
  if (configured) return path.resolve(expandHome(configured, env));
  return path.join(homeDirectory(env), ".tacit");
}

/** The one embedded SQLite database: sessions, usage and the memory search index. */
export function databasePath(home: string): string {
  return path.join(home, "tacit.db");
}

/** Images attached to prompts, one file per image named by its SHA-256 (session/image-files.ts). */
export function imagesDirectory(home: string): string {
  return path.join(home, "images");
}

/**
 * The nearest ancestor (cwd included) holding `.git` — a folder, or a file in
 * worktrees and submodules; cwd when none. Then there is no project: memory has
 * no project or local scope there (memory/scopes.ts, unavailableScopes).
 */
export function findProjectRoot(cwd: string): string {
  const start = path.resolve(cwd);
  let current = start;
  for (;;) {
    if (existsSync(path.join(current, ".git"))) return current;
    const parent = path.dirname(current);
    if (parent === current) return start;
    current = parent;
  }
}

/**
 * A folder name for per-project state under the user's home: readable (the
 * project's basename) and collision-safe (a short hash of the absolute path,
 * so two checkouts called `app` get different folders).
 */
export function projectSlug(projectRoot: string): string {
  const absolute = path.resolve(projectRoot);
  const hash = sha256Hex(absolute).slice(0, 10);
  const base =
    path
      .basename(absolute)
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, "-")
      .replace(/^[-.]+|-+$/g, "")
      .slice(0, 40) || "root";
  return `${base}-${hash}`;
}

/** Per-project private state: ~/.tacit/projects/<slug>/ (local memory lives under it). */
export function projectStateDirectory(home: string, projectRoot: string): string {
  return path.join(home, "projects", projectSlug(projectRoot));
}

export function userSettingsPath(home: string): string {
  return path.join(home, "settings.json");
}

/** Shared with the team through the repository. */
export function projectSettingsPath(projectRoot: string): string {
  return path.join(projectRoot, ".tacit", "settings.json");
}

/** Personal settings for one project; meant to be git-ignored. */
export function localSettingsPath(projectRoot: string): string {
  return path.join(projectRoot, ".tacit", "settings.local.json");
}

/** Replaces a leading `~` (alone or followed by a separator) with the home directory. */
export function expandHome(filePath: string, env: NodeJS.ProcessEnv = process.env): string {
  if (filePath === "~") return homeDirectory(env);
  if (filePath.startsWith("~/") || filePath.startsWith(`~${path.sep}`)) {
    return path.join(homeDirectory(env), filePath.slice(2));
  }
  return filePath;
}

function homeDirectory(env: NodeJS.ProcessEnv): string {
  // HOME first so tests (and sandboxes) can point it elsewhere; os.homedir() as the fallback.
  return env.HOME?.trim() || env.USERPROFILE?.trim() || homedir();
}
