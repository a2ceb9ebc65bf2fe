import { readFileSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../../config/atomic-write.ts";
import { OWNER_ONLY_FILE_MODE } from "../../config/private-store.ts";

/** The last sync's outcome: a background sync has no terminal, so its failure is said at the next start. */
export interface SyncStatus {
  at: string;
  ok: boolean;
  message?: string;
  /** The failure was said once already. */
  shown?: boolean;
}

function statusPath(home: string): string {
  return path.join(home, "sync", "status.json");
}

export function recordSyncOutcome(home: string, outcome: { ok: boolean; message?: string }): void {
  const status: SyncStatus = { at: new Date().toISOString(), ...outcome };
  try {
    // A failure's message is git's, which may quote the remote's URL: the user's alone.
    writeFileAtomic(statusPath(home), `${JSON.stringify(status, null, 2)}\n`, { mode: OWNER_ONLY_FILE_MODE });
  } catch {
    // Only a notice is lost: the sync itself already happened, or failed and said so.
  }
}

/** The last sync's outcome, for `tacit memory remote show`; undefined before the first. */
export function lastSyncStatus(home: string): SyncStatus | undefined {
  try {
    return JSON.parse(readFileSync(statusPath(home), "utf8")) as SyncStatus;
  } catch {
    return undefined;
  }
}

/**
 * The line to say at start when the last sync failed and no one was told yet
 * (then it is marked told): one line, work goes on, the next sync catches up.
 */
export function takeSyncFailureNotice(home: string): string | undefined {
  const status = lastSyncStatus(home);
  if (!status || status.ok || status.shown) return undefined;
  try {
    writeFileAtomic(statusPath(home), `${JSON.stringify({ ...status, shown: true }, null, 2)}\n`);
  } catch {
    // Unwritable: the line may be said again next start, which is better than never.
  }
  return `memory sync failed (${status.message ?? "unknown error"}); memory works as usual here and the next sync catches up`;
}
