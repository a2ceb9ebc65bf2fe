import { existsSync } from "node:fs";
import path from "node:path";
import { isInside, resolveThroughLinks } from "../config/real-path.ts";
import { MemoryError } from "./memory-error.ts";
import type { MemoryScope, MemoryScopeFolders } from "./scopes.ts";

/**
 * Where each scope's files really are, and the rule that no memory read or
 * write leaves them. Paths are resolved with the same resolver as the file
 * tools (config/real-path.ts: symlinks followed, dangling ones too), so a
 * cloned repository's `.tacit/memory/notes.md -> ~/.bashrc` or
 * `.tacit/memory -> ~/elsewhere` is refused rather than followed.
 */
export class ScopePaths {
  readonly folders: MemoryScopeFolders;
  private readonly projectRoot: string;

  constructor(folders: MemoryScopeFolders, projectRoot: string) {
    this.folders = folders;
    this.projectRoot = projectRoot;
  }

  /**
   * The scope folder's real path. The project scope comes from the repository,
   * so it must really be inside the repository; the user and local scopes are
   * the user's own (a symlink to a synced folder is their choice).
   */
  realFolder(scope: MemoryScope): string {
    const folder = this.folders[scope];
    const real = realPath(folder);
    if (scope === "project") {
      const root = realPath(this.projectRoot);
      if (!isInside(real, root)) {
        throw new MemoryError(
          `the project memory folder ${folder} leads outside the repository (to ${real}); refused`,
        );
      }
    }
    return real;
  }

  /** The real path of `<name>.md` in a scope, refused when a symlink takes it out of the scope's real folder. */
  realFile(scope: MemoryScope, name: string): string {
    const folder = this.realFolder(scope);
    const given = path.join(this.folders[scope], `${name}.md`);
    const real = realPath(given);
    if (!isInside(real, folder) || path.dirname(real) !== folder) {
      throw new MemoryError(`${given} is a link to ${real}, outside the ${scope} memory folder; refused`);
    }
    return real;
  }

  /** Two scopes sharing one real folder (the project root is the user's home): the project scope is not one. */
  sameFolder(left: MemoryScope, right: MemoryScope): boolean {
    const leftFolder = this.folders[left];
    const rightFolder = this.folders[right];
    if (path.resolve(leftFolder) === path.resolve(rightFolder)) return true;
    return (
      existsSync(leftFolder) && existsSync(rightFolder) && realPath(leftFolder) === realPath(rightFolder)
    );
  }
}

function realPath(filePath: string): string {
  try {
    return resolveThroughLinks(filePath);
  } catch (error) {
    throw new MemoryError(`${filePath}: ${(error as Error).message}`);
  }
}
