import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * A folder of this user's own for what one run leaves the next on this machine
 * (a remembered sandbox probe, compiled code): the user's runtime folder
 * ($XDG_RUNTIME_DIR/tacit, cleared at logout) or, without one, tacit-<uid> in
 * the system's temp folder. What is read from it decides what runs, so it is
 * used only when its path is absolute, it is a real folder (not a link) that
 * this user owns and no one else can write to, and no one else can swap it for
 * another: its parent is this user's own runtime folder (owned, mode 0700, as
 * the XDG spec has it; a `su` keeps another user's) or a temp folder that others
 * may write to only with the sticky bit (which keeps them from renaming what is
 * not theirs). Sandboxed commands see it read-only (sandbox/policy.ts).
 */
export function privateFolder(env: NodeJS.ProcessEnv, options: { create: boolean }): string | undefined {
  const uid = process.getuid?.();
  const folder = privateFolderPath(env);
  if (uid === undefined || folder === undefined) return undefined;
  try {
    const parent = lstatSync(path.dirname(folder));
    if (!parent.isDirectory()) return undefined;
    const othersMayWrite = (parent.mode & 0o022) !== 0;
    if (parent.uid !== uid && parent.uid !== 0) return undefined;
    if (othersMayWrite && (parent.mode & 0o1000) === 0) return undefined;
    if (options.create) mkdirSync(folder, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") return undefined;
  }
  try {
    const stats = lstatSync(folder);
    if (!stats.isDirectory() || stats.uid !== uid || (stats.mode & 0o022) !== 0) return undefined;
    return folder;
  } catch {
    return undefined;
  }
}

/**
 * Where privateFolder is, whether or not it exists: $XDG_RUNTIME_DIR/tacit, or tacit-<uid> in the temp
 * folder when there is no runtime folder. Undefined when the runtime folder is named but is not the
 * user's own (mode 0700: a `su` keeps another user's) or the path would not be absolute (a relative
 * TMPDIR or XDG_RUNTIME_DIR would put it wherever tacit runs).
 */
export function privateFolderPath(env: NodeJS.ProcessEnv): string | undefined {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && !(path.isAbsolute(runtime) && isOwnPrivateFolder(runtime, uid))) return undefined;
  const folder = runtime ? path.join(runtime, "tacit") : path.join(tmpdir(), `tacit-${uid}`);
  return path.isAbsolute(folder) ? folder : undefined;
}

function isOwnPrivateFolder(folder: string, uid: number): boolean {
  try {
    const stats = lstatSync(folder);
    return stats.isDirectory() && stats.uid === uid && (stats.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

/**
 * A file's bytes when it is a regular file of at most maxBytes, this user's
 * and writable by no one else, not reached through a link; throws otherwise (a
 * missing file included).
 */
export function readPrivateFile(file: string, maxBytes: number): Buffer {
  // Non-blocking: a named pipe planted at the name would wait for a writer forever; fstat then refuses it.
  const descriptor = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const stats = fstatSync(descriptor);
    if (!stats.isFile() || stats.size > maxBytes) throw new Error("not a regular file of the expected size");
    // Made by this user and writable by no one else: what another user left could not pass.
    if (stats.uid !== process.getuid?.() || (stats.mode & 0o022) !== 0)
      throw new Error("not this user's own file");
    const buffer = Buffer.allocUnsafe(stats.size);
    let length = 0;
    while (length < stats.size) {
      const read = readSync(descriptor, buffer, length, stats.size - length, length);
      if (read === 0) break;
      length += read;
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Writes a file whole under a fresh name (owner-only, refusing anything already
 * there) and renames it over the target, so a reader sees the old file or the
 * new one and nothing at the target's name is ever written through. False when
 * it could not (a full disk): what is kept here only saves time.
 */
export function replacePrivateFile(target: string, data: string | Uint8Array): boolean {
  const temporary = `${target}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
  try {
    writeFileSync(temporary, data, { flag: "wx", mode: 0o600 });
    renameSync(temporary, target);
    return true;
  } catch {
    rmSync(temporary, { force: true });
    return false;
  }
}
