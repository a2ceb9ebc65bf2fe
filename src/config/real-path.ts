import { readlinkSync, realpathSync } from "node:fs";
import path from "node:path";

/** Links followed before giving up, as the kernel does (ELOOP). */
const MAX_SYMLINK_HOPS = 40;

/**
 * Where a path really leads, whether or not it exists yet: existing parts are
 * resolved through symlinks, and a dangling symlink is followed to where it
 * points (that is where a write through it would create the file). The
 * permission gate and the file writer both use this, so the gate judges the
 * very place the write lands.
 */
export function resolveThroughLinks(filePath: string, hops = 0): string {
  let current = path.resolve(filePath);
  for (let hop = hops; hop <= MAX_SYMLINK_HOPS; hop++) {
    try {
      return realpathSync(current);
    } catch {
      // Missing: a new file, a dangling link, or a missing folder on the way.
    }
    let linkTarget: string | undefined;
    try {
      linkTarget = readlinkSync(current);
    } catch {
      linkTarget = undefined;
    }
    if (linkTarget === undefined) {
      const parent = path.dirname(current);
      if (parent === current) return current;
      return path.join(resolveThroughLinks(parent, hop + 1), path.basename(current));
    }
    current = path.resolve(path.dirname(current), linkTarget);
  }
  throw new Error(`Too many levels of symbolic links: ${filePath}`);
}

/** Whether a path is the folder itself or below it; both must be resolved the same way (real paths). */
export function isInside(filePath: string, folder: string): boolean {
  const relative = path.relative(folder, filePath);
  // A step up is ".." itself: a file named "..notes" is inside.
  const up = relative === ".." || relative.startsWith(`..${path.sep}`);
  return relative === "" || (!up && !path.isAbsolute(relative));
}
