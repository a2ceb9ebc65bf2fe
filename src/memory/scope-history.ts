import { existsSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../config/atomic-write.ts";
import {
  commitFiles,
  type HistoryEntry,
  historyDiff,
  historyLog,
  MemoryHistoryError,
} from "./git-history.ts";
import { historyUndo, type UndoStep } from "./history-undo.ts";
import { MemoryError } from "./memory-error.ts";
import type { ChangeOptions } from "./memory-types.ts";
import type { Redact } from "./redact-hand-edits.ts";
import { prepareHistory } from "./repository-repair.ts";
import { LOCK_FILE_NAME, type ScopeLockOptions, withScopeLock } from "./scope-lock.ts";
import type { ScopePaths } from "./scope-paths.ts";
import { isVersionedScope, type MemoryScope, type MemoryScopeFolders } from "./scopes.ts";

/**
 * The project scope lives in the user's repository, which tacit never commits: a `.gitignore`
 * in the memory folder keeps the lock (and one broken aside) out of `git add -A`, so a lock
 * caught mid-write is never committed for every clone to trip on. One that exists is left alone.
 */
function ignoreLockInProject(folder: string): void {
  const ignoreFile = path.join(folder, ".gitignore");
  if (existsSync(ignoreFile)) return;
  try {
    writeFileAtomic(
      ignoreFile,
      `# tacit: the lock of an in-flight write\n${LOCK_FILE_NAME}\n${LOCK_FILE_NAME}.*\n`,
    );
  } catch {
    // Housekeeping only: the write itself goes on.
  }
}

/** One-line notices for the user, each queued once per process however often it recurs. */
export class Notices {
  private readonly queued: string[] = [];
  private readonly seen = new Set<string>();

  add(line: string): void {
    if (this.seen.has(line)) return;
    this.seen.add(line);
    this.queued.push(line);
  }

  take(): string[] {
    return this.queued.splice(0);
  }

  /** The newest notice, taken back to be thrown as the error instead of said twice. */
  takeLast(): string | undefined {
    return this.queued.pop();
  }
}

/**
 * The scope lock and git history of the memory scopes: every change runs
 * under the lock, with the repository readied first (repository-repair.ts),
 * and is committed after. History is a record of the files, never a gate on
 * them: what git cannot do becomes a notice, and the write stands.
 */
export class ScopeHistory {
  private readonly folders: MemoryScopeFolders;
  private readonly paths: ScopePaths;
  private readonly notices: Notices;
  private readonly redact: Redact;
  private readonly lockOptions: ScopeLockOptions;

  constructor(options: {
    folders: MemoryScopeFolders;
    paths: ScopePaths;
    notices: Notices;
    redact: Redact;
    lock: ScopeLockOptions;
  }) {
    this.folders = options.folders;
    this.paths = options.paths;
    this.notices = options.notices;
    this.redact = options.redact;
    this.lockOptions = options.lock;
  }

  /**
   * Holds the scope lock; in versioned scopes also readies the repository
   * (stale git locks cleared, a broken one repaired, hand edits recorded).
   * `work` learns whether history can take a commit this time.
   */
  locked<T>(scope: MemoryScope, work: (historyReady: boolean) => Promise<T>): Promise<T> {
    // Checked before the lock file is made: a project folder leading outside gets nothing written, not even a lock.
    this.paths.realFolder(scope);
    const folder = this.folders[scope];
    return withScopeLock(
      folder,
      async () => {
        if (!isVersionedScope(scope)) {
          ignoreLockInProject(folder);
          return work(false);
        }
        const history = await prepareHistory(folder, scope, this.redact);
        for (const line of history.notices) this.notices.add(line);
        return work(history.ready);
      },
      this.lockOptions,
    );
  }

  /**
   * Commit message: what changed, then why; one line, redacted, bounded. The
   * file is already on disk: a commit that fails is a notice (the next change
   * commits it as a hand edit), never a failed write.
   */
  async commit(
    scope: MemoryScope,
    historyReady: boolean,
    files: string[],
    change: string,
    options: ChangeOptions,
  ): Promise<string | undefined> {
    if (!isVersionedScope(scope) || !historyReady) return undefined;
    const reason = options.reason;
    const why = reason ? this.redact(reason.replace(/\s+/g, " ").trim()).text.slice(0, 200) : "";
    // Changes tacit made on its own (reflection, init, learn) say so first, so the log tells them apart.
    const what = options.actor ? `${options.actor}: ${change}` : change;
    try {
      return await commitFiles(this.folders[scope], files, why ? `${what}: ${why}` : what);
    } catch (error) {
      if (!(error instanceof MemoryHistoryError)) throw error;
      this.notices.add(
        `the ${scope} memory change "${what}" is saved but git could not commit it (${error.message}); it will be committed with the next change`,
      );
      return undefined;
    }
  }

  log(scope: MemoryScope, limit: number): Promise<HistoryEntry[]> {
    return this.repairedIfBroken(scope, () => historyLog(this.folders[scope], limit));
  }

  diff(scope: MemoryScope, ref?: string): Promise<string> {
    return this.repairedIfBroken(scope, () => historyDiff(this.folders[scope], ref));
  }

  /** Steps back `steps` changes, each reverted by a new commit; a second undo walks further back (history-undo.ts). */
  undo(scope: MemoryScope, steps: number): Promise<UndoStep[]> {
    return this.locked(scope, async (historyReady) => {
      if (!historyReady) {
        throw new MemoryError(this.notices.takeLast() ?? `the ${scope} memory history is unavailable`);
      }
      return historyUndo(this.folders[scope], steps);
    });
  }

  /** Reading history needs no lock; only when git finds the repository broken is it repaired (under the lock) and read again. */
  private async repairedIfBroken<T>(scope: MemoryScope, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (!(error instanceof MemoryHistoryError && error.notARepository)) throw error;
    }
    await this.locked(scope, async () => undefined);
    return read();
  }
}
