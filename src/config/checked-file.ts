import { constants, fstatSync, lstatSync, readlinkSync, realpathSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";

/**
 * Opening exactly the file a check judged. The permission gate judges a path
 * by where its links lead (its real path); a tool that then opens the path
 * again, following links, opens whatever the path leads to by then: a link
 * swapped in between (a sandboxed loop can swap one thousands of times a
 * second) sends a Read to ~/.ssh/id_ed25519 or a Write out of the project.
 *
 * So files are opened at the real path that was judged, never through a link:
 * O_NOFOLLOW refuses a link in the last place, and the opened descriptor is
 * then asked where it really is (Linux: /proc/self/fd, the kernel's own
 * answer), which catches a folder on the way swapped for a link. Node has no
 * openat, so a folder cannot be opened without following; checking the
 * descriptor afterwards is what makes the open exact.
 */

/** A path that no longer leads where it was checked: a link was swapped in since. */
export class PathChangedError extends Error {
  override name = "PathChangedError";
  readonly code = "ECHANGED";
  readonly checkedPath: string;
  /** What changed, e.g. "it is now a symbolic link". */
  readonly detail: string;
  constructor(checkedPath: string, detail: string) {
    super(`${checkedPath} changed after it was checked (${detail}); nothing was done to it`);
    this.checkedPath = checkedPath;
    this.detail = detail;
  }
}

/**
 * Where an open descriptor's file really is, from the kernel (Linux's
 * /proc/self/fd); undefined where the system does not say (macOS, no /proc).
 */
export function descriptorPath(descriptor: number): string | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    return readlinkSync(`/proc/self/fd/${descriptor}`);
  } catch {
    return undefined;
  }
}

/**
 * Whether the open descriptor is the file at realPath. Where the kernel says
 * where it is, that answer decides. Elsewhere (macOS) the path is checked to
 * have no link on it now and to hold the very file opened (device and inode):
 * a good guard, though a swap timed between those two looks could pass it.
 */
export function isOpenedAt(descriptor: number, realPath: string): boolean {
  const kernelPath = descriptorPath(descriptor);
  // "(deleted)": the very file opened there, removed or replaced since (an editor's atomic save).
  if (kernelPath !== undefined) return kernelPath === realPath || kernelPath === `${realPath} (deleted)`;
  try {
    if (realpathSync(realPath) !== realPath) return false;
    const opened = fstatSync(descriptor);
    const there = lstatSync(realPath);
    return opened.dev === there.dev && opened.ino === there.ino;
  } catch {
    return false;
  }
}

/**
 * Opens the file at realPath (a real path: no link on it, as the gate
 * resolved it) without following any link, or throws PathChangedError when
 * something on the path became a link since. Other errors (ENOENT…) are the
 * open's own.
 */
export async function openAtRealPath(realPath: string, flags: number): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(realPath, flags | constants.O_NOFOLLOW);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOOP")
      throw new PathChangedError(realPath, "it is now a symbolic link");
    throw error;
  }
  if (!isOpenedAt(handle.fd, realPath)) {
    await handle.close();
    throw new PathChangedError(realPath, "a folder on its path is now a symbolic link, or the file moved");
  }
  return handle;
}

/**
 * A regular file's whole content, read at realPath as openAtRealPath opens it. O_NONBLOCK: a FIFO
 * swapped in after a caller's stat must not hang the open; it is refused as not a regular file.
 */
export async function readFileAtRealPath(realPath: string): Promise<Buffer> {
  const handle = await openAtRealPath(realPath, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!(await handle.stat()).isFile()) throw new Error(`${realPath} is not a regular file`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
