import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { referencedPaths } from "./freshness.ts";
import type { FolderManifest, IndexState, KnownFile, ManifestEntry } from "./index-state.ts";
import { CHARACTERS_PER_TOKEN, type IndexEntry } from "./memory-index.ts";
import type { MemoryStore, ReadMemory, SnapshotEntry } from "./memory-store.ts";
import type { MemoryScope } from "./scopes.ts";
import type { SearchIndex } from "./search/search-index.ts";
import type { SearchDocument } from "./search/types.ts";

/**
 * A file modified this close to the sync may be written again within the same
 * mtime tick, with the same size, after we looked (coarse file-system clocks
 * make the tick up to 2 s): its metadata is not trusted, so the next sync
 * reads it once more. The same reasoning as git's "racy clean" entries.
 */
const RACY_WINDOW_MS = 2_000;

export interface IndexSyncInput {
  store: MemoryStore;
  index: SearchIndex;
  state: IndexState;
  projectKey: string;
  /** The search index's id for a memory (project and local ids carry the project). */
  documentId(scope: MemoryScope, name: string): string;
  documentFor(memory: ReadMemory): SearchDocument;
  /** The memory as it is now; undefined when it vanished since it was listed. */
  read(scope: MemoryScope, name: string): ReadMemory | undefined;
  now?: () => number;
  /**
   * At most this many files are read (default: all). The rest count as waiting
   * (`pending`) and keep their old rows; the next sync goes on with them, so a
   * first indexing of thousands of files can run in steps while a run proceeds.
   */
  readLimit?: number;
}

export interface IndexSyncResult {
  indexed: number;
  removed: number;
  /** Changed files left for the next sync by readLimit. */
  pending: number;
}

/**
 * Brings the search index and the manifest in line with the memory folders.
 * One stat per file, compared first with the folder manifest: when every file
 * has the mtime and size the last sync saw, nothing else is read. Otherwise
 * each file is compared with its own row: a changed one is read and hashed; if
 * its content is the same (touched, or saved unchanged) only its metadata is
 * updated, else it is indexed again. Files gone from the folders are dropped.
 */
export function syncMemoryIndex(input: IndexSyncInput): IndexSyncResult {
  const startedAt = (input.now ?? Date.now)();
  const files = input.store.snapshot();
  const manifestKey = `${input.projectKey}:${input.store.enabledScopes.join(",")}`;
  const result = sameFiles(input.state.folderManifest(manifestKey), files)
    ? { indexed: 0, removed: 0, pending: 0 }
    : input.state.inTransaction(() => {
        const changed = syncChangedFiles(input, files, startedAt);
        // Another project's manifest may cover a user memory whose row just went.
        if (changed.removed > 0) input.state.forgetFolderManifests();
        input.state.saveFolderManifest(manifestKey, changed.manifest);
        return { indexed: changed.indexed, removed: changed.removed, pending: changed.pending };
      });
  // A broken file is read again, so the store says so at every start, as it did when every file was read.
  const enabled = new Set(input.store.enabledScopes);
  for (const { scope, name } of input.state.brokenMemories(input.projectKey)) {
    if (enabled.has(scope)) input.read(scope, name);
  }
  return result;
}

function sameFiles(manifest: FolderManifest | undefined, files: readonly SnapshotEntry[]): boolean {
  if (!manifest || Object.keys(manifest).length !== files.length) return false;
  return files.every((file) => {
    const seen = manifest[file.filePath];
    return seen !== undefined && seen[0] === file.mtimeMs && seen[1] === file.size;
  });
}

function syncChangedFiles(
  input: IndexSyncInput,
  files: readonly SnapshotEntry[],
  startedAt: number,
): IndexSyncResult & { manifest: FolderManifest } {
  const { state, index } = input;
  const known = state.known(input.projectKey);
  const seen = new Set<string>();
  const manifest: FolderManifest = {};
  const changed: Array<{ file: SnapshotEntry; id: string; before: KnownFile | undefined }> = [];
  for (const file of files) {
    const id = input.documentId(file.scope, file.name);
    seen.add(id);
    const before = known.get(id);
    if (before && before.mtimeMs === file.mtimeMs && before.size === file.size) {
      manifest[file.filePath] = [file.mtimeMs, file.size];
    } else {
      changed.push({ file, id, before });
    }
  }
  // Files never indexed first, then changed ones, then those read while racy (just written, see
  // RACY_WINDOW_MS) read again last: each step of a first indexing makes progress.
  changed.sort((left, right) => readOrder(left.before) - readOrder(right.before));
  let readsLeft = input.readLimit ?? Number.POSITIVE_INFINITY;
  let pending = 0;
  let indexed = 0;
  for (const { file, id, before } of changed) {
    if (readsLeft <= 0) {
      manifest[file.filePath] = [null, file.size]; // not read yet: the next sync must not skip it
      // A racy one does not ask for another step (that could spin until it ages): the next sync reads it.
      if (readOrder(before) < 2) pending++;
      continue;
    }
    readsLeft--;
    const read = input.read(file.scope, file.name);
    // Racy or unreadable: no mtime, which never equals a later stat, so the next sync reads it again.
    const trusted = read !== undefined && file.mtimeMs <= startedAt - RACY_WINDOW_MS;
    manifest[file.filePath] = [trusted ? file.mtimeMs : null, file.size];
    if (!read) continue;
    const hash = createHash("sha256").update(read.text).digest("hex");
    const document = input.documentFor(read);
    const mtimeMs = trusted ? file.mtimeMs : null;
    const entry = {
      ...manifestEntry(read, input.store),
      hash,
      mtimeMs,
      size: file.size,
      broken: !!read.broken,
    };
    state.record(id, entry, document.projectKey);
    if (before?.hash === hash) continue;
    index.upsert(document);
    indexed++;
  }
  let removed = 0;
  for (const id of known.keys()) {
    if (seen.has(id)) continue;
    index.remove(id);
    state.forget(id);
    removed++;
  }
  return { indexed, removed, pending, manifest };
}

function readOrder(before: KnownFile | undefined): number {
  if (!before) return 0;
  return before.mtimeMs === null ? 2 : 1;
}

function manifestEntry(memory: ReadMemory, store: MemoryStore): ManifestEntry {
  return {
    scope: memory.scope,
    name: memory.name,
    description: memory.description,
    type: memory.type,
    updated: memory.updated,
    referencedPaths: store.freshnessScopes.includes(memory.scope) ? referencedPaths(memory.memory) : [],
    conflict: memory.conflict,
    pinned: memory.pinned,
  };
}

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
