import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import {
  type FolderManifest,
  type ManifestFiles,
  manifestFiles,
  manifestPaths,
  RACY_WINDOW_MS,
  STATS_PER_FILE,
  sameFolders,
  sameNames,
  stampFolders,
} from "./folder-manifest.ts";
import { referencedPaths } from "./freshness.ts";
import type { IndexState, KnownFile } from "./index-state.ts";
import type { MemoryStore, ReadMemory, SnapshotEntry } from "./memory-store.ts";
import type { ManifestEntry } from "./recent-entries.ts";
import type { MemoryScope } from "./scopes.ts";
import type { SearchIndex } from "./search/search-index.ts";
import type { SearchDocument } from "./search/types.ts";

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
 * The folders are stamped, then one stat per file is compared with the
 * manifest: when every file has the mtime, ctime and size the last sync saw,
 * nothing else is read. Otherwise each file is compared with its own row: a
 * changed one is read and hashed; if its content is the same (touched, or
 * saved unchanged) only its metadata is updated, else it is indexed again.
 * Files gone from the folders are dropped.
 */
export function syncMemoryIndex(input: IndexSyncInput): IndexSyncResult {
  const stampedAt = (input.now ?? Date.now)();
  const key = manifestKey(input);
  // Before the listing: a name that comes or goes after it moves the stamp, so the next start sees it.
  const folders = stampFolders(enabledFolders(input.store));
  const files = input.store.snapshot();
  const saved = input.state.folderManifest(key);
  let result: IndexSyncResult = { indexed: 0, removed: 0, pending: 0 };
  if (saved && sameFiles(manifestFiles(saved), files)) {
    if (!sameFolders(saved, folders)) input.state.saveFolderStamps(key, stampedAt, folders);
  } else {
    result = input.state.inTransaction(() => {
      const changed = syncChangedFiles(input, files, stampedAt);
      // Another project's manifest may cover a user memory whose row just went.
      if (changed.removed > 0) input.state.forgetFolderManifests();
      input.state.saveFolderManifest(key, { stampedAt, folders }, { files, stats: changed.stats });
      return { indexed: changed.indexed, removed: changed.removed, pending: changed.pending };
    });
  }
  sayBroken(input);
  return result;
}

/** What a start found without a stat per file; the files' own stats are compared later (content-check.ts). */
export interface QuickStart {
  key: string;
  manifest: FolderManifest;
  /** The folders' stamps now, and when they were taken: saved once the files are found unchanged. */
  folders: FolderManifest["folders"];
  stampedAt: number;
}

/**
 * A start's sync when it can do without a stat per file: the folders hold the
 * names the manifest lists (their stamps are unchanged, or one readdir says
 * so), so nothing was added, removed or renamed and the index is current but
 * for edits to existing files, which only a stat of each file can see: the
 * caller runs that check in the background and applies what it finds
 * (applyContentCheck). Undefined when names came or went, or no manifest is
 * kept yet: then the caller syncs in full.
 */
export function quickStart(input: IndexSyncInput): QuickStart | undefined {
  const key = manifestKey(input);
  const manifest = input.state.folderManifest(key);
  if (!manifest) return undefined;
  const stampedAt = (input.now ?? Date.now)();
  const folders = stampFolders(enabledFolders(input.store));
  if (!sameFolders(manifest, folders)) {
    const listed = input.store.enabledScopes.map((scope) => ({
      scope,
      names: input.store.memoryFileNames(scope),
    }));
    if (!sameNames(manifestFiles(manifest), listed)) return undefined;
  }
  sayBroken(input);
  return { key, manifest, folders, stampedAt };
}

/**
 * Applies what the background check found (the manifest's indices of files
 * whose stats moved): each is read and indexed again if its content changed,
 * and the manifest takes its new stats. False when a file is gone (removed
 * after the start): the caller syncs in full, which drops it.
 */
export function applyContentCheck(
  input: IndexSyncInput,
  start: QuickStart,
  changed: readonly number[],
): boolean {
  const manifest = manifestFiles(start.manifest);
  const checkedAt = (input.now ?? Date.now)();
  if (changed.length === 0) {
    if (!sameFolders(start.manifest, start.folders))
      input.state.saveFolderStamps(start.key, start.stampedAt, start.folders);
    return true;
  }
  const paths = manifestPaths(manifest, enabledFolders(input.store));
  const known = input.state.known(input.projectKey);
  return input.state.inTransaction(() => {
    const stats = manifest.stats.slice();
    for (const index of changed) {
      const { scope, name } = manifest.files[index]!;
      const now = statSync(paths[index]!, { throwIfNoEntry: false });
      if (!now) return false;
      const file = {
        scope,
        name,
        filePath: paths[index]!,
        mtimeMs: now.mtimeMs,
        ctimeMs: now.ctimeMs,
        size: now.size,
      };
      const id = input.documentId(scope, name);
      const read = indexFile(input, file, id, known.get(id), checkedAt);
      stats.set([read.trusted ? file.mtimeMs : Number.NaN, file.ctimeMs, file.size], index * STATS_PER_FILE);
    }
    input.state.saveFolderManifest(
      start.key,
      { stampedAt: start.stampedAt, folders: start.folders },
      { files: manifest.files, stats },
    );
    return true;
  });
}

function manifestKey(input: IndexSyncInput): string {
  return `${input.projectKey}:${input.store.enabledScopes.join(",")}`;
}

function enabledFolders(store: MemoryStore): Partial<Record<MemoryScope, string>> {
  return Object.fromEntries(store.enabledScopes.map((scope) => [scope, store.folders[scope]]));
}

/** A broken file is read again, so the store says so at every start, as it did when every file was read. */
function sayBroken(input: IndexSyncInput): void {
  const enabled = new Set(input.store.enabledScopes);
  for (const { scope, name } of input.state.brokenMemories(input.projectKey)) {
    if (enabled.has(scope)) input.read(scope, name);
  }
}

function sameFiles(manifest: ManifestFiles, files: readonly SnapshotEntry[]): boolean {
  if (manifest.files.length !== files.length) return false;
  const { stats } = manifest;
  return files.every((file, index) => {
    const seen = manifest.files[index]!;
    const at = index * STATS_PER_FILE;
    return (
      seen.scope === file.scope &&
      seen.name === file.name &&
      stats[at] === file.mtimeMs &&
      stats[at + 1] === file.ctimeMs &&
      stats[at + 2] === file.size
    );
  });
}

function unchanged(before: KnownFile | undefined, file: SnapshotEntry): boolean {
  return (
    before !== undefined &&
    before.mtimeMs === file.mtimeMs &&
    before.ctimeMs === file.ctimeMs &&
    before.size === file.size
  );
}

function syncChangedFiles(
  input: IndexSyncInput,
  files: readonly SnapshotEntry[],
  startedAt: number,
): IndexSyncResult & { stats: Float64Array } {
  const { state, index } = input;
  const known = state.known(input.projectKey);
  const seen = new Set<string>();
  const stats = new Float64Array(files.length * STATS_PER_FILE);
  const changed: Array<{ file: SnapshotEntry; at: number; id: string; before: KnownFile | undefined }> = [];
  files.forEach((file, position) => {
    const id = input.documentId(file.scope, file.name);
    seen.add(id);
    const before = known.get(id);
    const at = position * STATS_PER_FILE;
    stats.set([file.mtimeMs, file.ctimeMs, file.size], at);
    if (!unchanged(before, file)) changed.push({ file, at, id, before });
  });
  // Files never indexed first, then changed ones, then those read while racy (just written, see
  // RACY_WINDOW_MS) read again last: each step of a first indexing makes progress.
  changed.sort((left, right) => readOrder(left.before) - readOrder(right.before));
  let readsLeft = input.readLimit ?? Number.POSITIVE_INFINITY;
  let pending = 0;
  let indexed = 0;
  for (const { file, at, id, before } of changed) {
    if (readsLeft <= 0) {
      stats[at] = Number.NaN; // not read yet: the next sync must not skip it
      // A racy one does not ask for another step (that could spin until it ages): the next sync reads it.
      if (readOrder(before) < 2) pending++;
      continue;
    }
    readsLeft--;
    const read = indexFile(input, file, id, before, startedAt);
    // Racy or unreadable: no mtime, which never equals a later stat, so the next sync reads it again.
    if (!read.trusted) stats[at] = Number.NaN;
    if (read.indexed) indexed++;
  }
  let removed = 0;
  for (const id of known.keys()) {
    if (seen.has(id)) continue;
    index.remove(id);
    state.forget(id);
    removed++;
  }
  return { indexed, removed, pending, stats };
}

/**
 * Reads one changed file and records it: its row (metadata, the memory index's line) always,
 * the search index only when its content hash moved. Its mtime is trusted only when the file
 * was last changed well before `startedAt` (RACY_WINDOW_MS).
 */
function indexFile(
  input: IndexSyncInput,
  file: SnapshotEntry,
  id: string,
  before: KnownFile | undefined,
  startedAt: number,
): { trusted: boolean; indexed: boolean } {
  const read = input.read(file.scope, file.name);
  const trusted = read !== undefined && Math.max(file.mtimeMs, file.ctimeMs) <= startedAt - RACY_WINDOW_MS;
  if (!read) return { trusted, indexed: false };
  const hash = createHash("sha256").update(read.text).digest("hex");
  const document = input.documentFor(read);
  const entry = {
    ...manifestEntry(read, input.store),
    hash,
    mtimeMs: trusted ? file.mtimeMs : null,
    ctimeMs: file.ctimeMs,
    size: file.size,
    broken: !!read.broken,
  };
  input.state.record(id, entry, document.projectKey);
  if (before?.hash === hash) return { trusted, indexed: false };
  input.index.upsert(document);
  return { trusted, indexed: true };
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
