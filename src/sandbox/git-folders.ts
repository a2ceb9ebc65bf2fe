import { execFileSync } from "node:child_process";
import { type Dirent, lstatSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * Everything git reads from a repository's `.git` runs code on the user's next
 * git command, outside any sandbox: hooks, `core.fsmonitor`, `core.pager`,
 * filters and aliases in its config, a `commondir` or `gitdir` pointing at a
 * copy that has them. Guarding single files inside it is not enough (the folder
 * can be renamed and rebuilt, or redirected), so the sandbox holds the whole
 * `.git` read-only, bound in place: as a mount point it cannot be renamed or
 * removed either. The price: git commands that write (add, commit, checkout,
 * stash) run outside the sandbox, after the user is asked.
 */

/** How deep and how wide the look for nested repositories goes, so a huge tree cannot slow every start. */
const NESTED_SEARCH_DEPTH = 6;
const NESTED_SEARCH_FOLDERS = 2000;
const NESTED_SEARCH_ENTRIES = 20_000;
/**
 * Folders never searched for nested repositories: package trees, virtual
 * environments and build output are large and hold no repository the user runs git in.
 */
const NOT_SEARCHED = new Set([
  ".git",
  ".tacit",
  "node_modules",
  ".venv",
  "venv",
  "__pycache__",
  ".tox",
  "target",
  ".gradle",
]);

/**
 * The paths to hold read-only so that no repository at or under root can be
 * altered from the sandbox: root's `.git` (folder or file), the git folder a
 * `.git` file points to and its common folder, the same for every repository
 * nested under root when the sandbox starts (submodules, vendored clones), and
 * the folders of submodules not checked out yet (a command must not turn one
 * into a repository that `git status` in the parent then runs).
 */
export function gitPathsToGuard(root: string, searchNested: boolean): string[] {
  const guarded = guardRepository(root);
  if (!searchNested) return guarded;
  for (const nested of nestedRepositories(root)) guarded.push(...guardRepository(nested));
  guarded.push(...unpopulatedSubmodules(root));
  return [...new Set(guarded)];
}

/** The `.git` of the repository whose work tree is `directory`, and where a `.git` file leads. */
function guardRepository(directory: string): string[] {
  const dotGit = path.join(directory, ".git");
  const kind = entryKind(dotGit);
  if (kind === "directory") return [dotGit];
  if (kind !== "file") return [];
  const guarded = [dotGit];
  // A worktree's or submodule's `.git` file: "gitdir: <folder>"; that folder's
  // `commondir` names the repository's shared folder (config and hooks live there).
  const gitDirectory = pointedFolder(dotGit, /^gitdir:\s*(.+)$/m);
  if (gitDirectory) {
    guarded.push(gitDirectory);
    const common = pointedFolder(path.join(gitDirectory, "commondir"), /^(.+)$/m);
    if (common) guarded.push(common);
  }
  return guarded;
}

/** The folder a git pointer file names (relative to the file's folder), if it is a folder. */
function pointedFolder(file: string, pattern: RegExp): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  const named = pattern.exec(text)?.[1]?.trim();
  if (!named) return undefined;
  const folder = path.resolve(path.dirname(file), named);
  return entryKind(folder) === "directory" ? folder : undefined;
}

/** Folders under root (not root itself) that hold a `.git`, breadth first, within the search bounds. */
function nestedRepositories(root: string): string[] {
  const found: string[] = [];
  let level = [root];
  let visitedFolders = 0;
  let seenEntries = 0;
  for (let depth = 0; depth < NESTED_SEARCH_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const folder of level) {
      if (++visitedFolders > NESTED_SEARCH_FOLDERS || seenEntries > NESTED_SEARCH_ENTRIES) return found;
      const entries = readFolder(folder);
      seenEntries += entries.length;
      for (const entry of entries) {
        // Symbolic links are not followed: they could lead out of the project or round in a loop.
        if (!entry.isDirectory() || NOT_SEARCHED.has(entry.name)) continue;
        const child = path.join(folder, entry.name);
        if (entryKind(path.join(child, ".git")) !== "missing") found.push(child);
        next.push(child);
      }
    }
    level = next;
  }
  return found;
}

/**
 * Submodule folders named in root's `.gitmodules` that have no `.git` yet. Held
 * read-only whole: empty until `git submodule update` (which needs the network
 * and so runs outside the sandbox anyway).
 */
function unpopulatedSubmodules(root: string): string[] {
  let text: string;
  try {
    text = readFileSync(path.join(root, ".gitmodules"), "utf8");
  } catch {
    return [];
  }
  const folders: string[] = [];
  for (const match of text.matchAll(/^\s*path\s*=\s*(.+?)\s*$/gm)) {
    const folder = path.resolve(root, match[1]!);
    const inside = path.relative(root, folder);
    if (inside === "" || inside.startsWith("..") || path.isAbsolute(inside)) continue;
    if (entryKind(folder) === "directory" && entryKind(path.join(folder, ".git")) === "missing")
      folders.push(folder);
  }
  return folders;
}

function readFolder(folder: string): Dirent[] {
  try {
    return readdirSync(folder, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** What is at a path, without following a symbolic link (a link counts as a file: it is guarded as it stands). */
function entryKind(entry: string): "directory" | "file" | "missing" {
  try {
    // No throw for a missing entry: the nested search asks this of every folder, and errors are slow.
    const stats = lstatSync(entry, { throwIfNoEntry: false });
    if (!stats) return "missing";
    return stats.isDirectory() ? "directory" : "file";
  } catch {
    return "missing";
  }
}

/**
 * The hooks folder git's configuration names (`core.hooksPath`, as husky sets
 * it to `.husky/_`), resolved from root: when it lies in the project, a hook
 * planted there runs on the user's next commit just as one in `.git/hooks`
 * would, and husky's folder is not even tracked. As configured (relative to
 * the work tree, or `~/…`); undefined when none is set.
 * `git config --get` only reads the configuration; it runs nothing from it.
 */
export function configuredHooksFolder(root: string): string | undefined {
  try {
    const configured = execFileSync("git", ["config", "--get", "core.hooksPath"], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 5000,
    }).trim();
    return configured || undefined;
  } catch {
    // Not set (git exits 1), or no git: no hooks folder to guard.
    return undefined;
  }
}
