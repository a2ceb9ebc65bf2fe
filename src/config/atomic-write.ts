import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { resolveThroughLinks } from "./real-path.ts";

/**
 * Writes a file so readers see either the old content or the new, never half:
 * a temp file in the same folder (rename is only atomic within one file
 * system), then a rename over the target. Creates the folder when missing.
 *
 * The write goes through symlinks to the real file, so a link stays a link and
 * its target gets the new content; the existing file's mode (an executable
 * script's 755) is copied onto the temp file, so the rename does not reset it.
 */
export function writeFileAtomic(
  filePath: string,
  content: string | Uint8Array,
  options: {
    /** The new file's mode (0o600 for a private store), instead of the existing file's. */ mode?: number;
  } = {},
): void {
  const target = resolveWriteTarget(filePath);
  const directory = path.dirname(target);
  const existingMode = statSync(target, { throwIfNoEntry: false })?.mode;
  const temporary = path.join(
    directory,
    `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  try {
    writeFileSync(temporary, content, { flush: true });
    // chmod, not writeFile's mode option: that one is filtered through the umask.
    const mode = options.mode ?? (existingMode === undefined ? undefined : existingMode & 0o7777);
    if (mode !== undefined) chmodSync(temporary, mode);
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * The real path a write to filePath should replace: the existing file's real
 * path; for a dangling symlink, where the link points; for a new file, the
 * file name inside its parent's real path (the parent is created when missing).
 */
function resolveWriteTarget(filePath: string): string {
  const target = resolveThroughLinks(filePath);
  mkdirSync(path.dirname(target), { recursive: true });
  return target;
}
