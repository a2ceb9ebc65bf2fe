import { existsSync } from "node:fs";
import path from "node:path";
import type { IndexState } from "./index-state.ts";
import { CHARACTERS_PER_TOKEN, type IndexEntry } from "./memory-index.ts";
import type { MemoryStore } from "./memory-store.ts";
import type { ManifestEntry } from "./recent-entries.ts";

/**
 * Every index line is at least this long with its newline ("- a [pattern]: "),
 * so more of them than the budget's characters over this can never all be
 * shown: the rest would be dropped as least recent anyway.
 */
const SHORTEST_INDEX_LINE = 16;

/**
 * What the memory index needs, from the manifest as of the last sync: only the
 * most recent memories that could fit the budget, and how many were left out,
 * so no file is opened and 20,000 memories cost a few hundred rows. Staleness
 * is checked now (one existsSync per named path), since a project file can
 * vanish without any memory changing. With lastUsed times (which reorder by
 * recency) every row is read.
 */
export function manifestIndex(
  input: { state: IndexState; projectKey: string; store: MemoryStore },
  options: {
    budgetTokens: number;
    lastUsed?: ReadonlyMap<string, number>;
    /** Leave out memories neither updated since `before` (ms) nor pinned nor in `used` (IndexState.recentEntries). */
    decay?: { before: number; used: readonly string[] };
  },
): { entries: IndexEntry[]; alreadyOmitted: number; decayed: number } {
  const limit = options.lastUsed
    ? -1 // SQLite: no limit
    : Math.floor((options.budgetTokens * CHARACTERS_PER_TOKEN) / SHORTEST_INDEX_LINE) + 1;
  const { entries, total, decayed } = input.state.recentEntries(
    input.projectKey,
    input.store.enabledScopes,
    limit,
    options.decay,
  );
  return {
    decayed,
    entries: entries.map((entry) => listedEntry(entry, input.store.projectRoot)),
    alreadyOmitted: total - decayed - entries.length,
  };
}

/** A manifest entry as the index and the lists show it: its referenced paths checked for staleness. */
function listedEntry(entry: ManifestEntry, projectRoot: string): IndexEntry & { conflict: boolean } {
  const { referencedPaths: paths, pinned: _pinned, ...shown } = entry;
  return { ...shown, stale: paths.some((relative) => !existsSync(path.resolve(projectRoot, relative))) };
}

/** A memory as the manifest last saw it: its list row, and the file's mtime and size then. */
export interface SyncedMemory extends IndexEntry {
  conflict: boolean;
  pinned: boolean;
  /** As MemoryStore.snapshot names it, so a caller can match the two. */
  filePath: string;
  mtimeMs: number;
  size: number;
}

/**
 * Every memory as the last sync recorded it, no file opened: a caller compares each with
 * the store's snapshot (one stat per file) and reads only the files that moved since.
 */
export function syncedMemories(input: {
  state: IndexState;
  projectKey: string;
  store: MemoryStore;
}): SyncedMemory[] {
  const folders = new Map(
    input.store.enabledScopes.map((scope) => [scope, path.resolve(input.store.folders[scope])]),
  );
  return input.state
    .syncedFiles(input.projectKey, input.store.enabledScopes)
    .map(({ mtimeMs, size, ...entry }) => ({
      ...listedEntry(entry, input.store.projectRoot),
      pinned: entry.pinned,
      filePath: `${folders.get(entry.scope)}${path.sep}${entry.name}.md`,
      mtimeMs,
      size,
    }));
}
