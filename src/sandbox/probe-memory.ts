import { lstatSync, mkdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { writeFileAtomic } from "../config/atomic-write.ts";

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
 * sysctls below), the user, and the kernel switches for unprivileged user
 * namespaces; and a day at most.
 *
 * Where: the user's runtime folder ($XDG_RUNTIME_DIR, cleared at logout) or a
 * folder of the user's own in the system's temp folder, used only when it is
 * a real folder that the user owns and no one else can write to.
 */
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
    const saved = JSON.parse(readFileSync(path.join(folder, FILE_NAME), "utf8")) as {
      key?: unknown;
      at?: unknown;
    };
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
  try {
    writeFileAtomic(path.join(folder, FILE_NAME), `${JSON.stringify({ key, at: now })}\n`, { mode: 0o600 });
  } catch {
    // Not remembered: the next run probes again.
  }
}

function probeKey(binary: string): string | undefined {
  try {
    const real = realpathSync(binary);
    const stats = statSync(real);
    const switches = NAMESPACE_SWITCHES.map((file) => readOrNothing(file));
    return JSON.stringify([
      real,
      stats.size,
      stats.mtimeMs,
      readOrNothing("/proc/sys/kernel/random/boot_id"),
      process.getuid?.(),
      switches,
    ]);
  } catch {
    return undefined;
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
