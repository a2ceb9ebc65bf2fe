import { readFileSync, readlinkSync, realpathSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { privateFolder, readPrivateFile, replacePrivateFile } from "../core/private-folder.ts";

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
 * Where: the user's private folder (core/private-folder.ts: $XDG_RUNTIME_DIR,
 * cleared at logout, or one of the user's own in the system's temp folder). The
 * file is read only as a small regular file (never through a link) and
 * replaced by a rename, never written through what is at its name.
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
  // Not remembered when it cannot be written: the next run probes again.
  replacePrivateFile(path.join(folder, FILE_NAME), `${JSON.stringify({ key, at: now })}\n`);
}

/** A probe that failed: a success remembered before no longer holds. */
export function forgetProbeSuccess(env: NodeJS.ProcessEnv): void {
  const folder = privateFolder(env, { create: false });
  if (folder) rmSync(path.join(folder, FILE_NAME), { force: true });
}

/** The file's text when it is a small regular file, not reached through a link. */
function readSmallFile(file: string): string {
  return readPrivateFile(file, MAX_FILE_BYTES).toString("utf8");
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
