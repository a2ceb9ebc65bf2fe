import { type FSWatcher, watch } from "node:fs";
import type { SyncedMemory } from "../../memory/manifest-listing.ts";
import type { MemoryEntry, MemoryStore } from "../../memory/memory-store.ts";
import type { MemoryScope } from "../../memory/scopes.ts";
import type { MemoryRow } from "./api-types.ts";

interface Cached {
  scope: MemoryScope;
  mtimeMs: number;
  size: number;
  row: MemoryRow;
}

/**
 * Every memory as a list row, kept between requests. A scope folder is watched (inotify, FSEvents):
 * until something in it changes, a request costs nothing; after a change, its files are stat'ed and
 * only those whose mtime or size moved are read again, so a hand edit or another process's change
 * still shows up. Where a folder cannot be watched (not there yet), it is stat'ed on every refresh.
 * Bodies are never held here: the list ships rows, a memory's text is read when it is opened.
 * It starts from what the search index's manifest recorded (`synced`), so the first refresh
 * stats every file but reads only those changed since: 10,000 memories do not delay the URL.
 */
export class MemoryCatalog {
  private readonly store: MemoryStore;
  private readonly cache = new Map<string, Cached>();
  private readonly watchers = new Map<MemoryScope, FSWatcher>();
  private readonly dirty = new Set<MemoryScope>();
  private rows: MemoryRow[] = [];
  /** False until the rows are first built: rows taken from the manifest count as a change. */
  private built = false;
  private scopeCounts: Record<string, Record<string, number>> = {};

  constructor(store: MemoryStore, synced: readonly SyncedMemory[] = []) {
    this.store = store;
    for (const scope of store.enabledScopes) this.dirty.add(scope);
    for (const { filePath, mtimeMs, size, ...row } of synced) {
      this.cache.set(filePath, { scope: row.scope, mtimeMs, size, row });
    }
  }

  /** The rows as the files are now, sorted by scope (in enabled order) then name. */
  refresh(): MemoryRow[] {
    let changed = false;
    for (const scope of this.store.enabledScopes) {
      const watched = this.watch(scope);
      if (watched && !this.dirty.has(scope)) continue;
      // Cleared before reading: a change made while the folder is read marks it again.
      this.dirty.delete(scope);
      if (this.refreshScope(scope)) changed = true;
    }
    if (changed || !this.built) {
      this.built = true;
      const order = this.store.enabledScopes;
      this.rows = [...this.cache.values()]
        .map((cached) => cached.row)
        .sort(
          (a, b) =>
            order.indexOf(a.scope as MemoryScope) - order.indexOf(b.scope as MemoryScope) ||
            (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
        );
      this.scopeCounts = countByScopeAndType(this.rows);
    }
    return this.rows;
  }

  /** Memories per scope and type as of the last refresh, for the sidebar. */
  counts(): Record<string, Record<string, number>> {
    return this.scopeCounts;
  }

  /**
   * Marks a scope (or all) changed by this process: its next refresh reads the folder without
   * waiting for the watcher's event, which arrives a moment after the write.
   */
  changed(scope?: MemoryScope): void {
    for (const each of scope ? [scope] : this.store.enabledScopes) this.dirty.add(each);
  }

  /** Stops watching the folders. */
  close(): void {
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }

  private refreshScope(scope: MemoryScope): boolean {
    let changed = false;
    const seen = new Set<string>();
    for (const file of this.store.snapshot(scope)) {
      seen.add(file.filePath);
      const cached = this.cache.get(file.filePath);
      if (cached && cached.mtimeMs === file.mtimeMs && cached.size === file.size) continue;
      const entry = this.readEntry(scope, file.name);
      changed = true;
      if (entry)
        this.cache.set(file.filePath, { scope, mtimeMs: file.mtimeMs, size: file.size, row: rowOf(entry) });
      else this.cache.delete(file.filePath);
    }
    for (const [filePath, cached] of this.cache) {
      if (cached.scope !== scope || seen.has(filePath)) continue;
      this.cache.delete(filePath);
      changed = true;
    }
    return changed;
  }

  /** Whether the scope's folder is watched now (tried again on each refresh until it is). */
  private watch(scope: MemoryScope): boolean {
    if (this.watchers.has(scope)) return true;
    try {
      const watcher = watch(this.store.folders[scope], { persistent: false }, () => this.dirty.add(scope));
      watcher.on("error", () => {
        watcher.close();
        this.watchers.delete(scope);
        this.dirty.add(scope);
      });
      this.watchers.set(scope, watcher);
      // Anything that changed before the watch began is read by this refresh.
      this.dirty.add(scope);
      return true;
    } catch {
      return false;
    }
  }

  private readEntry(scope: MemoryScope, name: string): MemoryEntry | undefined {
    try {
      return this.store.read(scope, name);
    } catch {
      // Removed between the stat and the read, or unreadable: the next refresh sees what is there.
      return undefined;
    }
  }
}

export function rowOf(entry: MemoryEntry): MemoryRow {
  return {
    scope: entry.scope,
    name: entry.name,
    type: entry.type,
    description: entry.description,
    updated: entry.updated,
    stale: entry.stale,
    conflict: entry.conflict,
    pinned: entry.pinned,
  };
}

function countByScopeAndType(rows: readonly MemoryRow[]): Record<string, Record<string, number>> {
  const counts: Record<string, Record<string, number>> = {};
  for (const row of rows) {
    const scope = counts[row.scope] ?? {};
    scope[row.type] = (scope[row.type] ?? 0) + 1;
    counts[row.scope] = scope;
  }
  return counts;
}
