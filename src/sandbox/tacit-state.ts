import { existsSync, realpathSync } from "node:fs";
import path from "node:path";
import { expandHome, projectStateDirectory } from "../config/paths.ts";
import { isInside } from "../config/real-path.ts";

/**
 * tacit's state folder (TACIT_HOME, ~/.tacit) is mostly what no command should
 * read: settings that may hold keys and tokens, the database of every session
 * of every project (and damaged ones set aside), unredacted file snapshots for
 * /rewind, attached images, the prompt history, other projects' local memories
 * and proposals. Listing those one by one missed some, and a store added later
 * would be missed again; so a sandboxed command sees the folder empty but for
 * what it has a use for, shown back read-only.
 */
export interface StateFolder {
  /** The folder, as a real path (a link to it leads to the same place). */
  folder: string;
  /** Folders inside it a command may read, real paths. */
  shown: string[];
}

/**
 * What a command may read of TACIT_HOME. User memories: recalled into this
 * project's prompts anyway, redacted as they are written, and a user may ask
 * for a grep through them. Agent Skills: a skill's instructions run the
 * scripts beside its SKILL.md. This project's local memories are added
 * (stateFolders); other projects' stay hidden.
 */
const SHOWN_IN_TACIT_HOME = ["memory", "skills"];

export interface ResolvedStateFolder extends StateFolder {
  /**
   * Inside shown folders, hidden again: a memory folder's git history, where a
   * memory forgotten on purpose is still kept.
   */
  hiddenInShown: string[];
}

/**
 * TACIT_HOME, and ~/.tacit when TACIT_HOME points elsewhere (what an earlier
 * run left there is as private), where they exist. One folder holding the other
 * is covered once, as the outer one with TACIT_HOME's shown folders.
 */
export function stateFolders(
  tacitHome: string,
  projectRoot: string,
  env: NodeJS.ProcessEnv,
): ResolvedStateFolder[] {
  const home = realOrUndefined(tacitHome);
  const defaultHome = realOrUndefined(expandHome("~/.tacit", env));
  const memoryFolders = home
    ? [path.join(home, "memory"), path.join(projectStateDirectory(home, projectRoot), "memory")]
    : [];
  const shown = home
    ? [...SHOWN_IN_TACIT_HOME.map((name) => path.join(home, name)), memoryFolders[1]!]
        .map(realOrUndefined)
        .filter((entry): entry is string => entry !== undefined)
    : [];
  // The project itself may be a memory folder (tacit started in ~/.tacit/memory): its .git is then its own.
  const hiddenInShown = memoryFolders
    .filter((folder) => !isInside(projectRoot, folder))
    .map((folder) => path.join(folder, ".git"))
    .filter(existsSync);
  const folders: ResolvedStateFolder[] = [];
  if (home) folders.push({ folder: home, shown, hiddenInShown });
  if (!defaultHome || (home && isInside(defaultHome, home))) return folders;
  if (home && isInside(home, defaultHome)) return [{ folder: defaultHome, shown, hiddenInShown }];
  return [...folders, { folder: defaultHome, shown: [], hiddenInShown: [] }];
}

/**
 * The hidden paths the sandbox can still cover: one inside a state folder is
 * hidden already unless it lies in a folder shown there or in one the command
 * sees anyway (the project, started inside TACIT_HOME); bubblewrap could not
 * even make its mount point in the read-only cover.
 */
export function withoutHiddenState(hidden: string[], state: StateFolder[], visibleRoots: string[]): string[] {
  return hidden.filter((entry) => {
    const real = realOrUndefined(entry) ?? entry;
    const folder = state.find((each) => isInside(real, each.folder));
    if (!folder) return true;
    const visible = [...folder.shown, ...visibleRoots.map((root) => realOrUndefined(root) ?? root)];
    return visible.some((shown) => isInside(real, shown) && real !== folder.folder);
  });
}

function realOrUndefined(filePath: string): string | undefined {
  try {
    return realpathSync(filePath);
  } catch {
    return undefined;
  }
}
