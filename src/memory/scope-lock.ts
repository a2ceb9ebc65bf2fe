import { randomBytes } from "node:crypto";
import { constants, mkdirSync } from "node:fs";
import { link, open, rename, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import { UserFacingError } from "../core/errors.ts";
import { processAlive } from "../core/process-alive.ts";

/** The lock file inside a scope folder; git-ignored in versioned scopes. */
export const LOCK_FILE_NAME = ".tacit.lock";

export interface ScopeLockOptions {
  /** A lock older than this is taken to belong to a crashed process (default 30 s). */
  staleAfterMs?: number;
  /** Give up waiting after this long (default 60 s). */
  timeoutMs?: number;
}

interface LockContent {
  pid: number;
  time: number;
  token: string;
  /** The machine whose process holds it: a pid means nothing elsewhere (a lock committed to a repository). */
  host?: string;
}

/** A lock time this far ahead of the clock is not a real one (a forged or committed lock). */
const FUTURE_SLACK_MS = 60_000;

/**
 * Runs `work` while holding an exclusive lock on a scope folder, so two tacit
 * processes writing and committing in one scope at once take turns instead of
 * losing a file or colliding on git's index.lock. The lock is a file created
 * with `wx` (fails when it exists); a lock whose process is dead, or which is
 * older than `staleAfterMs`, is broken.
 */
export async function withScopeLock<T>(
  folder: string,
  work: () => Promise<T>,
  options: ScopeLockOptions = {},
): Promise<T> {
  return withLockFile(path.join(folder, LOCK_FILE_NAME), work, options);
}

/**
 * The same lock on any file (reflection holds one per session, so two reflections of one session
 * never run at once). Waiting past `timeoutMs` throws LockBusyError.
 */
export async function withLockFile<T>(
  lockPath: string,
  work: () => Promise<T>,
  options: ScopeLockOptions = {},
): Promise<T> {
  mkdirSync(path.dirname(lockPath), { recursive: true });
  const token = await acquire(lockPath, options.staleAfterMs ?? 30_000, options.timeoutMs ?? 60_000);
  try {
    return await work();
  } finally {
    await release(lockPath, token);
  }
}

async function acquire(lockPath: string, staleAfterMs: number, timeoutMs: number): Promise<string> {
  const token = randomBytes(8).toString("hex");
  const content: LockContent = { pid: process.pid, time: Date.now(), token, host: hostname() };
  const deadline = Date.now() + timeoutMs;
  let attempt = 0;
  for (;;) {
    try {
      const handle = await open(lockPath, "wx");
      try {
        await handle.writeFile(JSON.stringify(content));
      } finally {
        await handle.close();
      }
      return token;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    await breakIfStale(lockPath, staleAfterMs);
    if (Date.now() > deadline) throw new LockBusyError(await stillLockedMessage(lockPath));
    attempt += 1;
    // Random backoff so racing processes do not retry in lock step.
    const ceiling = Math.min(200, 10 * 2 ** Math.min(attempt, 5));
    await sleep(5 + Math.random() * ceiling);
  }
}

/** Another live process held the lock for longer than the caller would wait. */
export class LockBusyError extends Error {
  override name = "LockBusyError";
}

/**
 * The lock's path holds something tacit never writes there (a link, a folder, a FIFO, a big
 * file): a repository committed or planted it. No tacit holds it, and waiting would never end,
 * so the write stops with one line saying what to remove.
 */
class ForeignLockError extends UserFacingError {
  override name = "ForeignLockError";
}

/** A lock tacit writes is one short JSON line; anything much bigger was not written by tacit. */
const MAX_LOCK_BYTES = 1024;

type LockRead =
  | { state: "missing" }
  | { state: "read"; raw: string; modifiedAt: number }
  | { state: "foreign"; what: string };

/**
 * Reads the lock without following a link and without blocking (a FIFO's open waits for a
 * writer), at most MAX_LOCK_BYTES, and only from a regular file: a committed
 * `.tacit.lock -> /dev/zero` once made every project memory write read gigabytes and hang.
 */
async function readLock(lockPath: string): Promise<LockRead> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(lockPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { state: "missing" };
    if (code === "ELOOP") return { state: "foreign", what: "a symbolic link" };
    if (code === "EISDIR") return { state: "foreign", what: "a folder" };
    throw error;
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) return { state: "foreign", what: "a folder" };
    if (!stats.isFile()) return { state: "foreign", what: "not a regular file" };
    if (stats.size > MAX_LOCK_BYTES) return { state: "foreign", what: `a ${stats.size}-byte file` };
    const buffer = Buffer.alloc(MAX_LOCK_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_LOCK_BYTES) return { state: "foreign", what: "a file that keeps growing" };
    return { state: "read", raw: buffer.subarray(0, bytesRead).toString("utf8"), modifiedAt: stats.mtimeMs };
  } finally {
    await handle.close();
  }
}

function foreignLockError(lockPath: string, what: string): ForeignLockError {
  return new ForeignLockError(
    `${lockPath} is ${what}, not a lock tacit wrote (no tacit holds it); delete it (git rm it if it is committed) and try again`,
  );
}

/** The lock's text, or "" when it is gone or not tacit's (for release and messages, which only compare it). */
async function lockText(lockPath: string): Promise<string> {
  const read = await readLock(lockPath).catch(() => undefined);
  return read?.state === "read" ? read.raw : "";
}

/** A lock held by a live process is broken only past this age (pid reuse). */
export const LIVE_HOLDER_MAX_AGE_MS = 10 * 60_000;

async function breakIfStale(lockPath: string, staleAfterMs: number): Promise<void> {
  const read = await readLock(lockPath);
  if (read.state === "missing") return; // released meanwhile
  if (read.state === "foreign") throw foreignLockError(lockPath, read.what);
  const { raw, modifiedAt } = read;
  const holder = parseLock(raw);
  const now = Date.now();
  // A time from the future cannot be trusted to age: the file's own change time is used instead.
  const stated = holder && holder.time <= now + FUTURE_SLACK_MS ? holder.time : undefined;
  const age = now - (stated ?? modifiedAt);
  if (!holder) {
    // Empty: half-written, normal for a moment after creation (tacit writes its line in one call),
    // so only its age can condemn it. Any other text is not tacit's: broken at once below.
    if (raw === "" && age < staleAfterMs) return;
  } else if (stated !== undefined && (holder.host === undefined || holder.host === hostname())) {
    // A live holder may be slow (a big git commit) or suspended (Ctrl-Z): its lock
    // stands. Only a very old one is broken, in case the pid was reused since. A dead
    // holder's lock is broken at once. (No host: a lock from an older tacit.)
    if (processAlive(holder.pid) && age < LIVE_HOLDER_MAX_AGE_MS) return;
  }
  // Otherwise the holder is another machine's process or its time is from the future: a lock
  // committed to a repository or forged, never one a tacit here holds. Broken at once.
  // Move the lock aside rather than unlinking it: if another process broke it
  // and took a fresh lock in between, we moved theirs and can put it back.
  const aside = `${lockPath}.${randomBytes(4).toString("hex")}.broken`;
  try {
    await rename(lockPath, aside);
  } catch {
    return;
  }
  try {
    const movedRaw = await lockText(aside);
    if (movedRaw !== raw) await link(aside, lockPath).catch(() => undefined);
  } finally {
    await unlink(aside).catch(() => undefined);
  }
}

/** Names the file and its holder, and says how to clear it, when waiting for it gave up. */
async function stillLockedMessage(lockPath: string): Promise<string> {
  const holder = parseLock(await lockText(lockPath));
  const who = holder ? ` (process ${holder.pid}${holder.host ? ` on ${holder.host}` : ""})` : "";
  const what =
    path.basename(lockPath) === LOCK_FILE_NAME ? `memory folder ${path.dirname(lockPath)}` : lockPath;
  return `${what} stayed locked by another tacit process${who}; if no tacit is running, delete ${lockPath}`;
}

async function release(lockPath: string, token: string): Promise<void> {
  try {
    const holder = parseLock(await lockText(lockPath));
    if (holder?.token === token) await unlink(lockPath);
  } catch {
    // Already gone (broken as stale): nothing to release.
  }
}

function parseLock(raw: string): LockContent | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LockContent>;
    if (typeof value.pid === "number" && typeof value.time === "number" && typeof value.token === "string") {
      return value as LockContent;
    }
  } catch {
    // fall through
  }
  return undefined;
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
