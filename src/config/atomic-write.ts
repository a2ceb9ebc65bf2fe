import { randomBytes } from "node:crypto";
import {
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { UserFacingError } from "../core/errors.ts";
import { descriptorPath, isOpenedAt, PathChangedError } from "./checked-file.ts";
import { isInside, resolveThroughLinks } from "./real-path.ts";

/** A write refused because a link would take it out of the folder it must stay in (a project's). */
export class LinkOutsideError extends UserFacingError {
  override name = "LinkOutsideError";
  constructor(filePath: string, target: string, folder: string) {
    super(`tacit did not write ${filePath}: it is a link leading out of ${folder} (to ${target})`);
  }
}

export interface AtomicWriteOptions {
  /** The new file's mode (0o600 for a private store), instead of the existing file's. */
  mode?: number;
  /**
   * The folder the write must land in (a project's root): a link leading out
   * of it is refused with LinkOutsideError instead of followed. A cloned
   * repository may plant `.tacit/settings.local.json -> ~/.tacit/settings.json`;
   * tacit's own writes into a project must not land in the user's files.
   */
  within?: string;
}

/**
 * Writes a file so readers see either the old content or the new, never half:
 * a temp file in the same folder (rename is only atomic within one file
 * system), then a rename over the target. Creates the folder when missing.
 *
 * The write goes through symlinks to the real file, so a link stays a link and
 * its target gets the new content (a user's settings kept as a link into their
 * dotfiles stay one), unless `within` says where it must stay. The link is
 * resolved once, and the write lands exactly there (writeFileAtRealPath).
 */
export function writeFileAtomic(
  filePath: string,
  content: string | Uint8Array,
  options: AtomicWriteOptions = {},
): void {
  const target = resolveThroughLinks(filePath);
  if (options.within !== undefined && !isInside(target, resolveThroughLinks(options.within)))
    throw new LinkOutsideError(filePath, target, options.within);
  writeFileAtRealPath(target, content, options);
}

/**
 * writeFileAtomic at a real path already resolved (the one the permission gate
 * judged), following no link: the temp file is created without following one
 * and its descriptor is checked to be in realPath's folder, so the rename,
 * which needs the temp file beside it, lands in that very folder; a target
 * that became a link since it was resolved is refused (PathChangedError).
 * The existing file's mode (an executable script's 755) is copied onto the
 * temp file, so the rename does not reset it.
 */
export function writeFileAtRealPath(
  realPath: string,
  content: string | Uint8Array,
  options: Pick<AtomicWriteOptions, "mode"> = {},
): void {
  const directory = path.dirname(realPath);
  mkdirSync(directory, { recursive: true });
  const existing = lstatSync(realPath, { throwIfNoEntry: false });
  if (existing?.isSymbolicLink()) throw new PathChangedError(realPath, "it is now a symbolic link");
  const temporary = path.join(
    directory,
    `.${path.basename(realPath)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  const descriptor = openSync(temporary, flags, 0o666);
  // Where the temp file really went, to remove it there should anything below fail.
  let created = temporary;
  try {
    if (!isOpenedAt(descriptor, temporary)) {
      created = descriptorPath(descriptor) ?? temporary;
      throw new PathChangedError(realPath, "a folder on its path is now a symbolic link, or the file moved");
    }
    writeFileSync(descriptor, content);
    fsyncSync(descriptor);
    // fchmod, not open's mode: that one is filtered through the umask.
    const mode = options.mode ?? (existing?.isFile() ? existing.mode & 0o7777 : undefined);
    if (mode !== undefined) fchmodSync(descriptor, mode);
    renameSync(temporary, realPath);
  } catch (error) {
    rmSync(created, { force: true });
    throw error;
  } finally {
    closeSync(descriptor);
  }
}
