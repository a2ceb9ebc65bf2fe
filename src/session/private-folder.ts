import { chmodSync, mkdirSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

/** A private store's files: only the user reads them. */
export const PRIVATE_FILE_MODE = 0o600;
const PRIVATE_FOLDER_MODE = 0o700;

/**
 * Makes the folders from `base` down to `folder` only the user's (0700), creating
 * them when missing. A store kept before this (0755 folders, 0644 files under
 * the usual umask) is tightened on its next write: each folder, and the files
 * of a folder that was open, since its existing files were readable by all.
 * For stores that hold the user's bytes unredacted (checkpoint blobs, images).
 */
export function ensurePrivateFolder(base: string, folder: string): void {
  mkdirSync(folder, { recursive: true, mode: PRIVATE_FOLDER_MODE });
  const relative = path.relative(base, folder);
  const parts = relative ? relative.split(path.sep) : [];
  let current = base;
  for (const part of ["", ...parts]) {
    current = part ? path.join(current, part) : current;
    const mode = statSync(current).mode & 0o777;
    if (mode === PRIVATE_FOLDER_MODE) continue;
    try {
      chmodSync(current, PRIVATE_FOLDER_MODE);
      for (const entry of readdirSync(current, { withFileTypes: true }))
        if (entry.isFile()) chmodSync(path.join(current, entry.name), PRIVATE_FILE_MODE);
    } catch {
      // Another user's folder (a shared TACIT_HOME): the store still works; its new files are 0600.
    }
  }
}
