import { hostname } from "node:os";
import path from "node:path";
import { MemoryHistoryError } from "../git-history.ts";
import type { Redact } from "../redact-hand-edits.ts";
import { redactSecrets } from "../redaction.ts";
import { LockBusyError, withLockFile } from "../scope-lock.ts";
import { projectIdentity, scopeBranch } from "./project-identity.ts";
import { remoteAccess } from "./remote-access.ts";
import { type ScopeSyncResult, type ScopeSyncTarget, syncScope } from "./scope-sync.ts";
import { recordSyncOutcome } from "./sync-status.ts";

export interface MemorySyncOptions {
  /** tacit's home: the sync lock and the last outcome live under it. */
  home: string;
  /** The git remote the user named (memory.sync.remote in their own settings). */
  remote: string;
  /** The versioned scopes to carry: the user scope's folder, and the local scope's when there is a project. */
  folders: { user?: string; local?: string };
  /** The project the local scope belongs to: its identity names the local scope's branch. */
  projectRoot: string;
  /** A person at a terminal, who may be asked for a password (remote-access.ts). */
  interactive: boolean;
  /** Each network step gives up after this long (default 60 s). */
  timeoutMs?: number;
  /** How long to wait for another sync to finish (default 2 minutes; a background sync passes 0: it just skips). */
  waitMs?: number;
  redact?: Redact;
}

export interface MemorySyncReport {
  scopes: ScopeSyncResult[];
}

/**
 * Carries the user scope and this project's local scope through the user's own
 * git remote: one repository, one branch per scope (project-identity.ts names
 * them), each merged file by file (merge-commits.ts). One sync at a time per
 * tacit home; the outcome is recorded so a failure in the background is said
 * once at the next start (sync-status.ts).
 */
export async function syncMemory(options: MemorySyncOptions): Promise<MemorySyncReport> {
  // git would read it as an option (`--upload-pack=…` runs a command), never as a remote.
  if (options.remote.startsWith("-")) throw new MemoryHistoryError(`"${options.remote}" is not a git remote`);
  const lock = path.join(options.home, "sync", "sync.lock");
  try {
    const report = await withLockFile(lock, () => syncAll(options), {
      timeoutMs: options.waitMs ?? 120_000,
      // A sync over a slow network is a live holder, never taken for a crashed one.
      staleAfterMs: 10 * 60_000,
    });
    recordSyncOutcome(options.home, { ok: true });
    return report;
  } catch (error) {
    // Another sync holds the lock: it records its own outcome, and this one did nothing.
    if (error instanceof LockBusyError) throw error;
    recordSyncOutcome(options.home, {
      ok: false,
      message: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
}

async function syncAll(options: MemorySyncOptions): Promise<MemorySyncReport> {
  const targets: ScopeSyncTarget[] = [];
  if (options.folders.user)
    targets.push({ scope: "user", folder: options.folders.user, branch: scopeBranch("user") });
  if (options.folders.local) {
    const identity = await projectIdentity(options.projectRoot);
    targets.push({ scope: "local", folder: options.folders.local, branch: scopeBranch("local", identity) });
  }
  const remote = await remoteAccess(options.remote, {
    cwd: options.home,
    interactive: options.interactive,
    timeoutMs: options.timeoutMs ?? 60_000,
  });
  // One round trip says whether the remote is there and where each branch stands.
  const heads = await remote.heads(targets.map((target) => target.branch));
  const scopes: ScopeSyncResult[] = [];
  for (const target of targets) {
    scopes.push(
      await syncScope(target, remote, heads.get(target.branch), {
        redact: options.redact ?? redactSecrets,
        localMachine: hostname(),
      }),
    );
  }
  return { scopes };
}
