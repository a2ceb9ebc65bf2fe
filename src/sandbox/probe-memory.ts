import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * A sandbox probe that succeeded, remembered for the next runs of the same
 * boot: the probe starts a real, empty sandbox, and spawning it took about
 * 7 ms of a run's main thread before its first request (measured), on every
 * run, to learn what had not changed.
 *
 * Only success is remembered, so nothing read here can make tacit run a
 * command unconfined: a wrong "it works" (a forged or stale file) fails
 * closed, each sandboxed command then reporting that bwrap could not start.
 * A failed probe is probed again next run. What could change the answer is
 * the key: the bwrap binary (its real path, size and modification time), the
 * boot (a sysctl set since takes effect at the next boot or shows in the
 * sysctls below), the user and the user namespace tacit runs in (another
 * container), and the kernel switches for unprivileged user namespaces; and a
 * day at most. A real probe that fails (`tacit doctor` makes one) forgets it.
 *
 * Where: the user's runtime folder ($XDG_RUNTIME_DIR, cleared at logout) or a
 * folder of the user's own in the system's temp folder, used only when its
 * path is absolute and it is a real folder that the user owns and no one else
 * can write to. The file is read only as a small regular file (never through a
 * link) and replaced by a rename, never written through what is at its name.
 */
const MAX_FILE_BYTES = 4096;
const MAX_AGE_MS = 24 * 60 * 60 * 1000;
const FILE_NAME = "sandbox-probe.json";
const NAMESPACE_SWITCHES = [
  "/proc/sys/kernel/unprivileged_userns_clone",
  "/proc/sys/user/max_user_namespaces",
  "/proc/sys/kernel/apparmor_restrict_unprivileged_userns",
];

/** True when a probe of this binary succeeded earlier under the same conditions. */
export function probeSucceededBefore(binary: string, env: NodeJS.ProcessEnv, now = Date.now()): boolean {
  const folder = privateFolder(env, { create: false });
  const key = folder && probeKey(binary);
  if (!key) return false;
  try {
    const saved = JSON.parse(readSmallFile(path.join(folder, FILE_NAME))) as { key?: unknown; at?: unknown };
    return (
      saved.key === key && typeof saved.at === "number" && now - saved.at >= 0 && now - saved.at < MAX_AGE_MS
    );
  } catch {
    return false;
  }
}

/** Remembers a successful probe; a folder that cannot be made or written only means probing again. */
export function rememberProbeSuccess(binary: string, env: NodeJS.ProcessEnv, now = Date.now()): void {
  const folder = privateFolder(env, { create: true });
  const key = folder && probeKey(binary);
  if (!key) return;
  const target = path.join(folder, FILE_NAME);
  const temporary = `${target}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
  try {
    writeFileSync(temporary, `${JSON.stringify({ key, at: now })}\n`, { flag: "wx", mode: 0o600 });
    renameSync(temporary, target);
  } catch {
    rmSync(temporary, { force: true }); // not remembered: the next run probes again
  }
}

/** A probe that failed: a success remembered before no longer holds. */
export function forgetProbeSuccess(env: NodeJS.ProcessEnv): void {
  const folder = privateFolder(env, { create: false });
  if (folder) rmSync(path.join(folder, FILE_NAME), { force: true });
}

/** The file's text when it is a regular file of at most MAX_FILE_BYTES, not reached through a link. */
function readSmallFile(file: string): string {
  const descriptor = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const stats = fstatSync(descriptor);
    if (!stats.isFile() || stats.size > MAX_FILE_BYTES) throw new Error("not a small regular file");
    const buffer = Buffer.alloc(stats.size);
    const length = readSync(descriptor, buffer, 0, stats.size, 0);
    return buffer.subarray(0, length).toString("utf8");
  } finally {
    closeSync(descriptor);
  }
}

function probeKey(binary: string): string | undefined {
  try {
    const real = realpathSync(binary);
    const stats = statSync(real);
    const switches = NAMESPACE_SWITCHES.map((file) => readOrNothing(file));
    const userNamespace = linkOrNothing("/proc/self/ns/user");
    return JSON.stringify([
      real,
      stats.size,
      stats.mtimeMs,
      readOrNothing("/proc/sys/kernel/random/boot_id"),
      process.getuid?.(),
      userNamespace,
      switches,
    ]);
  } catch {
    return undefined;
  }
}

function linkOrNothing(file: string): string | null {
  try {
    return readlinkSync(file);
  } catch {
    return null;
  }
}

function readOrNothing(file: string): string | null {
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    return null;
  }
}

function privateFolder(env: NodeJS.ProcessEnv, options: { create: boolean }): string | undefined {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  const folder = env.XDG_RUNTIME_DIR
    ? path.join(env.XDG_RUNTIME_DIR, "tacit")
    : path.join(tmpdir(), `tacit-${uid}`);
  // A relative XDG_RUNTIME_DIR or TMPDIR would put the file in whatever folder tacit runs in.
  if (!path.isAbsolute(folder)) return undefined;
  try {
    if (options.create) mkdirSync(folder, { recursive: true, mode: 0o700 });
    const stats = lstatSync(folder);
    // Someone else's folder, a link to one, or one others may write to could hold a planted file.
    if (!stats.isDirectory() || stats.uid !== uid || (stats.mode & 0o022) !== 0) return undefined;
    return folder;
  } catch {
    return undefined;
  }
}
