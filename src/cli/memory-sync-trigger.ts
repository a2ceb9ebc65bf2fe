import { userSyncSettings } from "../config/sync-settings.ts";
import { takeSyncFailureNotice } from "../memory/sync/sync-status.ts";
import { startDetachedTacit } from "./detached-reflection.ts";

/**
 * Sync by itself (README "Sync"): a detached `tacit memory sync --background`
 * at start (the pull; the first request never waits for it) and after a
 * session or a reflection that may have changed memory (the push). Two never
 * run at once (the sync lock); offline, each fails quietly into the sync log
 * and the next start says so in one line; the next sync catches up. Returns
 * whether one was started: not without a remote in the user's own settings,
 * with memory.sync.auto false, or with TACIT_NO_SYNC set (tests, scripts).
 */
export function startBackgroundSync(where: { home: string; cwd: string }, env: NodeJS.ProcessEnv): boolean {
  if (env.TACIT_NO_SYNC) return false;
  let settings: ReturnType<typeof userSyncSettings>;
  try {
    settings = userSyncSettings(where.home);
  } catch {
    return false; // a settings file that does not parse: the run's own start says so
  }
  if (!settings.remote || !settings.auto) return false;
  return startDetachedTacit(where, ["memory", "sync", "--background"], "sync.log", env);
}

/** At start: the line about a background sync that failed since (said once), then the pull. */
export function syncAtStart(
  where: { home: string; cwd: string },
  env: NodeJS.ProcessEnv,
  warn: (line: string) => void,
): void {
  try {
    if (!startBackgroundSync(where, env)) return;
    const failure = takeSyncFailureNotice(where.home);
    if (failure) warn(failure);
  } catch (error) {
    warn(`could not start memory sync: ${error instanceof Error ? error.message : String(error)}`);
  }
}
