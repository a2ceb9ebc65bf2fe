import { accessSync, constants, statfsSync, statSync } from "node:fs";
import path from "node:path";

/** SQLite's primary result codes for a file it could not open or write (the low byte of errcode). */
const SQLITE_PERM = 3;
const SQLITE_READONLY = 8;
const SQLITE_IOERR = 10;
const SQLITE_FULL = 13;
const SQLITE_CANTOPEN = 14;

/** Below this much free space, a failed write is taken to be a full disk. */
const NEARLY_FULL_BYTES = 1024 * 1024;

/**
 * SQLite says only "unable to open database file" or "disk I/O error": no file, no cause. When the
 * error is one of those, this is the one line to print instead: the database file, what most likely
 * stopped it (a read-only file system, no permission, a full disk, a file size limit), and SQLite's
 * own words. Undefined for any other error.
 */
export function storageFailureLine(error: unknown, databaseFile: string): string | undefined {
  const code = (error as { errcode?: unknown }).errcode;
  if (typeof code !== "number") return undefined;
  const primary = code & 0xff;
  const sqlite = `SQLite: ${(error as Error).message}`;
  if (primary === SQLITE_CANTOPEN || primary === SQLITE_READONLY || primary === SQLITE_PERM) {
    const cause = whyNotWritable(databaseFile) ?? "it cannot be opened for writing";
    return `cannot write tacit's database ${databaseFile}: ${cause} (${sqlite}); point TACIT_HOME at a writable folder`;
  }
  if (primary === SQLITE_FULL || primary === SQLITE_IOERR) {
    // SQLite says "full" for ENOSPC; a write past `ulimit -f` (EFBIG) is a bare I/O error.
    const cause = primary === SQLITE_FULL ? "no space left on the disk" : whyWriteFailed(databaseFile);
    return `could not write tacit's database ${databaseFile}: ${cause} (${sqlite})`;
  }
  return undefined;
}

function whyNotWritable(databaseFile: string): string | undefined {
  const folder = path.dirname(databaseFile);
  if (statSync(databaseFile, { throwIfNoEntry: false })?.isDirectory()) return `${databaseFile} is a folder`;
  for (const [target, what] of [
    [folder, `its folder ${folder}`],
    [databaseFile, "the file"],
  ] as const) {
    try {
      accessSync(target, constants.W_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EROFS") return `${folder} is on a read-only file system`;
      if (code === "EACCES" || code === "EPERM") return `no permission to write ${what}`;
      if (code === "ENOENT" && target === folder) return `${folder} does not exist`;
    }
  }
  return undefined;
}

function whyWriteFailed(databaseFile: string): string {
  try {
    const space = statfsSync(path.dirname(databaseFile));
    if (space.bavail * space.bsize < NEARLY_FULL_BYTES) return "no space left on the disk";
  } catch {
    // Fall through to the other causes.
  }
  return "a file size limit (ulimit -f) or a failing disk; there is space left on the disk";
}
