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
 * (a remembered sandbox probe, the headless bundle's code cache): the user's
 * runtime folder ($XDG_RUNTIME_DIR/tacit, cleared at logout) or, without one,
 * tacit-<uid> in the system's temp folder. What is read from it decides what
 * runs, so it is used only when its path is absolute and it is a real folder
 * (not a link) that this user owns and no one else can write to: in a shared
 * /tmp another user could have made it first, to plant a file.
 */
export function privateFolder(env: NodeJS.ProcessEnv, options: { create: boolean }): string | undefined {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  const folder = env.XDG_RUNTIME_DIR
    ? path.join(env.XDG_RUNTIME_DIR, "tacit")
    : path.join(tmpdir(), `tacit-${uid}`);
  // A relative XDG_RUNTIME_DIR or TMPDIR would put the files in whatever folder tacit runs in.
  if (!path.isAbsolute(folder)) return undefined;
  try {
    if (options.create) mkdirSync(folder, { recursive: true, mode: 0o700 });
    const stats = lstatSync(folder);
    if (!stats.isDirectory() || stats.uid !== uid || (stats.mode & 0o022) !== 0) return undefined;
    return folder;
  } catch {
    return undefined;
  }
}

/**
 * A file's bytes when it is a regular file of at most maxBytes, not reached
 * through a link; throws otherwise (a missing file included).
 */
export function readPrivateFile(file: string, maxBytes: number): Buffer {
  const descriptor = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const stats = fstatSync(descriptor);
    if (!stats.isFile() || stats.size > maxBytes) throw new Error("not a regular file of the expected size");
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
