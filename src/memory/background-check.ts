import { traceStartup } from "../core/startup-trace.ts";
import { type CheckResult, type ContentCheck, startContentCheck } from "./content-check.ts";
import { applyContentCheck, type IndexSyncInput, type QuickStart, quickStart } from "./index-sync.ts";
import type { MemoryScope } from "./scopes.ts";

/**
 * More changed files than this (a checkout that rewrote the folder, a restored backup) are
 * left to a full sync, which reads them in steps, instead of all at once when the check lands.
 */
const MOST_APPLIED_AT_ONCE = 200;
/** How long closing waits for a check still running: far more than 20,000 stats take. */
const FINISH_TIMEOUT_MS = 10_000;

/**
 * A start's sync without a stat per file on the critical path. When no memory
 * file was added, removed or renamed since the last sync (the folders' stamps,
 * or one readdir, say so: index-sync.ts quickStart), the index is current but
 * for edits made inside existing files; a worker stats every file meanwhile
 * (content-check.ts) and what it finds is read and indexed on its return, or
 * at close if the run ends first, so the next start never misses it.
 * Memory search and every recall but the run's first wait for it (`current`).
 */
export class BackgroundCheck {
  private running: { check: ContentCheck; quick: QuickStart; fullSyncsBefore: number } | undefined;
  private settled: Promise<void> = Promise.resolve();
  /** Full syncs so far: one that ran after the check started has seen every file itself. */
  private fullSyncs = 0;
  private readonly input: () => IndexSyncInput;
  /** A sync of every file (one stat each), for when the check finds a file gone or the worker fails. */
  private readonly fullSync: () => void;

  constructor(input: () => IndexSyncInput, fullSync: () => void) {
    this.input = input;
    this.fullSync = fullSync;
  }

  /** True when the start needs no full sync: the check now runs in the background. */
  start(): boolean {
    const input = this.input();
    const quick = quickStart(input);
    if (!quick) return false;
    const folders = Object.fromEntries(
      input.store.enabledScopes.map((scope) => [scope, input.store.folders[scope]]),
    ) as Partial<Record<MemoryScope, string>>;
    const check = startContentCheck(quick.manifest, folders);
    this.running = { check, quick, fullSyncsBefore: this.fullSyncs };
    this.settled = check.changed.then((result) => this.land(result));
    return true;
  }

  noteFullSync(): void {
    this.fullSyncs++;
  }

  /** Resolves once the check's findings are in the index (at once when none runs). */
  current(): Promise<void> {
    return this.settled;
  }

  /** Closing: a check still running is waited for and applied, so what it would have found is not lost. */
  finish(): void {
    if (this.running) this.land(this.running.check.finishNow(FINISH_TIMEOUT_MS));
  }

  private land(result: CheckResult): void {
    const running = this.running;
    if (!running) return; // already landed (finishNow settles the promise too)
    this.running = undefined;
    traceStartup(result === "failed" ? "memory check failed" : `memory check: ${result.length} changed`);
    if (this.fullSyncs !== running.fullSyncsBefore) return;
    try {
      if (
        result === "failed" ||
        result.length > MOST_APPLIED_AT_ONCE ||
        !applyContentCheck(this.input(), running.quick, result)
      )
        this.fullSync();
    } catch {
      // The database went away meanwhile (the run failed on a damaged one, which was set aside and
      // said so). Nothing was recorded, so the next start checks again; nothing more to say here.
    }
  }
}
