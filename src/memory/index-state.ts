import type { DatabaseSync } from "node:sqlite";
import { transaction, withoutDiskWait } from "../session/database.ts";
import type { Migration } from "../session/migration.ts";
import { encodeManifestFiles, type FolderManifest, type ManifestFiles } from "./folder-manifest.ts";
import {
  cachedRecentEntries,
  clearRecentEntries,
  type ManifestEntry,
  type ManifestRow,
  manifestEntryOf,
  type RecentEntries,
} from "./recent-entries.ts";
import type { MemoryScope } from "./scopes.ts";

/**
 * The table of memory files already indexed, with the content hash each had.
 * IF NOT EXISTS on purpose: before it had a migration, every open created it
 * with this statement, so a database made then already holds it; this first
 * migration adopts it as it is.
 *
 * The second adds the file's metadata (mtime and size: a file whose both are
 * unchanged is not read at start) and what the always-loaded memory index
 * shows of it, so neither the sync nor the index parses every file each start.
 * Rows from before it have no metadata: the next sync reads those files once.
 * It also adds the folder manifest: per project and set of enabled scopes, the
 * mtime and size of every file the last sync saw, in one row, so a start where
 * nothing changed compares one stat pass against one row (index-sync.ts).
 */
export const indexStateMigrations: readonly Migration[] = [
  {
    id: "memory-index-state-001-hashes",
    up(database: DatabaseSync) {
      database.exec(
        "CREATE TABLE IF NOT EXISTS memory_index_state (id TEXT PRIMARY KEY, hash TEXT NOT NULL, project_key TEXT)",
      );
    },
  },
  {
    id: "memory-index-state-002-manifest",
    up(database: DatabaseSync) {
      for (const column of [
        "mtime_ms REAL",
        "size INTEGER",
        "scope TEXT",
        "name TEXT",
        "description TEXT",
        "type TEXT",
        "updated TEXT",
        "referenced_paths TEXT",
        // Date.parse(updated): the memory index keeps the most recent lines, read in this order.
        "recency REAL",
        // 1 when the frontmatter could not be read: such a file is parsed at every sync, so its warning is said each start.
        "broken INTEGER",
      ]) {
        database.exec(`ALTER TABLE memory_index_state ADD COLUMN ${column}`);
      }
      database.exec("CREATE INDEX memory_index_state_recency ON memory_index_state (recency)");
      database.exec("CREATE TABLE memory_folder_manifest (key TEXT PRIMARY KEY, files TEXT NOT NULL)");
    },
  },
  {
    // 1 when sync kept two versions of the memory (sync/conflict.ts), for the index line's "(conflict)".
    // Every file is read once more (no mtime is trusted) so a conflict already on disk shows.
    id: "memory-index-state-003-conflict",
    up(database: DatabaseSync) {
      database.exec("ALTER TABLE memory_index_state ADD COLUMN conflict INTEGER");
      database.exec("UPDATE memory_index_state SET mtime_ms = NULL");
      database.exec("DELETE FROM memory_folder_manifest");
    },
  },
  {
    // `pinned: true` memories never decay out of the index. Every file is read once more (no
    // trusted mtime, no folder manifest) so a pin already in a file is known from the next start.
    id: "memory-index-state-004-pinned",
    up(database: DatabaseSync) {
      database.exec("ALTER TABLE memory_index_state ADD COLUMN pinned INTEGER");
      database.exec("UPDATE memory_index_state SET mtime_ms = NULL");
      database.exec("DELETE FROM memory_folder_manifest");
    },
  },
  {
    // The file's ctime too: an edit that keeps the size and sets the mtime back still moves it.
    // The folder manifest becomes the folders' own stamps (a start where no name came or went
    // stats the folders only) and one binary blob of every file's stats (folder-manifest.ts).
    // Old rows have no ctime: the next sync reads those files once more.
    id: "memory-index-state-005-folder-stamps",
    up(database: DatabaseSync) {
      database.exec("ALTER TABLE memory_index_state ADD COLUMN ctime_ms REAL");
      database.exec("DROP TABLE memory_folder_manifest");
      database.exec(
        "CREATE TABLE memory_folder_manifest (key TEXT PRIMARY KEY, stamped_at REAL NOT NULL, folders TEXT NOT NULL, files BLOB NOT NULL)",
      );
      // The memory index's rows as last queried (recent-entries.ts), cleared by every write to the rows.
      database.exec("CREATE TABLE memory_index_listing (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      // Broken files are looked up at every start: normally none, found without a scan.
      database.exec("CREATE INDEX memory_index_state_broken ON memory_index_state (broken) WHERE broken = 1");
    },
  },
];

/** What the sync compares a file against: unchanged mtime, ctime and size mean unchanged file. */
export interface KnownFile {
  hash: string;
  mtimeMs: number | null;
  ctimeMs: number | null;
  size: number | null;
}

export interface IndexedFile extends ManifestEntry {
  hash: string;
  broken: boolean;
  /** Null when not to be trusted (see RACY_WINDOW_MS in folder-manifest.ts). */
  mtimeMs: number | null;
  ctimeMs: number;
  size: number;
}

/**
 * Which memory files the search index holds, at which content hash, mtime and
 * size, so a sync at start stats the files and reads only those that changed.
 * User memories have no project key: they belong to every project.
 */
export class IndexState {
  private readonly database: DatabaseSync;

  constructor(database: DatabaseSync) {
    this.database = database;
  }

  /** Document id to what was indexed, for one project's memories and the user's. */
  known(projectKey: string): Map<string, KnownFile> {
    const rows = this.database
      .prepare(
        "SELECT id, hash, mtime_ms, ctime_ms, size FROM memory_index_state WHERE project_key IS NULL OR project_key = ?",
      )
      .all(projectKey) as Array<{
      id: string;
      hash: string;
      mtime_ms: number | null;
      ctime_ms: number | null;
      size: number | null;
    }>;
    return new Map(
      rows.map((row) => [
        row.id,
        { hash: row.hash, mtimeMs: row.mtime_ms, ctimeMs: row.ctime_ms, size: row.size },
      ]),
    );
  }

  record(id: string, file: IndexedFile, projectKey: string | undefined): void {
    clearRecentEntries(this.database);
    this.database
      .prepare(
        `INSERT INTO memory_index_state
           (id, hash, project_key, mtime_ms, size, scope, name, description, type, updated, referenced_paths, recency, broken,
            conflict, pinned, ctime_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET hash = excluded.hash, mtime_ms = excluded.mtime_ms, size = excluded.size,
           scope = excluded.scope, name = excluded.name, description = excluded.description,
           type = excluded.type, updated = excluded.updated, referenced_paths = excluded.referenced_paths,
           recency = excluded.recency, broken = excluded.broken, conflict = excluded.conflict,
           pinned = excluded.pinned, ctime_ms = excluded.ctime_ms`,
      )
      .run(
        id,
        file.hash,
        projectKey ?? null,
        file.mtimeMs,
        file.size,
        file.scope,
        file.name,
        file.description,
        file.type,
        file.updated,
        JSON.stringify(file.referencedPaths),
        Date.parse(file.updated) || 0,
        file.broken ? 1 : 0,
        file.conflict ? 1 : 0,
        file.pinned ? 1 : 0,
        file.ctimeMs,
      );
  }

  /** The memories whose frontmatter could not be read when last synced (normally none). */
  brokenMemories(projectKey: string): Array<{ scope: MemoryScope; name: string }> {
    return this.database
      .prepare(
        "SELECT scope, name FROM memory_index_state WHERE broken = 1 AND (project_key IS NULL OR project_key = ?)",
      )
      .all(projectKey) as Array<{ scope: MemoryScope; name: string }>;
  }

  forget(id: string): void {
    clearRecentEntries(this.database);
    this.database.prepare("DELETE FROM memory_index_state WHERE id = ?").run(id);
  }

  /**
   * Forgets one project's memories and the user's, so the next sync reads every
   * file again. Every folder manifest goes too: other projects' manifests cover
   * the user folder, whose rows are gone.
   */
  forgetAll(projectKey: string): void {
    clearRecentEntries(this.database);
    this.database
      .prepare("DELETE FROM memory_index_state WHERE project_key IS NULL OR project_key = ?")
      .run(projectKey);
    this.forgetFolderManifests();
  }

  folderManifest(key: string): FolderManifest | undefined {
    const row = this.database
      .prepare("SELECT stamped_at, folders, files FROM memory_folder_manifest WHERE key = ?")
      .get(key) as { stamped_at: number; folders: string; files: Uint8Array } | undefined;
    if (!row) return undefined;
    return {
      stampedAt: row.stamped_at,
      folders: JSON.parse(row.folders) as FolderManifest["folders"],
      blob: row.files,
    };
  }

  forgetFolderManifests(): void {
    this.database.exec("DELETE FROM memory_folder_manifest");
  }

  saveFolderManifest(key: string, manifest: Omit<FolderManifest, "blob">, files: ManifestFiles): void {
    this.database
      .prepare(
        `INSERT INTO memory_folder_manifest (key, stamped_at, folders, files) VALUES (?, ?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET stamped_at = excluded.stamped_at, folders = excluded.folders, files = excluded.files`,
      )
      .run(key, manifest.stampedAt, JSON.stringify(manifest.folders), encodeManifestFiles(files));
  }

  /** New stamps for folders whose names were found unchanged: the files blob stays as it is. */
  saveFolderStamps(key: string, stampedAt: number, folders: FolderManifest["folders"]): void {
    withoutDiskWait(this.database, () =>
      this.database
        .prepare("UPDATE memory_folder_manifest SET stamped_at = ?, folders = ? WHERE key = ?")
        .run(stampedAt, JSON.stringify(folders), key),
    );
  }

  /**
   * Every memory of the given scopes as last synced, with the mtime and size it had then
   * (rows whose mtime is not trusted, or whose frontmatter was broken, are left out: the
   * caller reads those files). The memory browser's first list, without opening a file.
   */
  syncedFiles(
    projectKey: string,
    scopes: readonly MemoryScope[],
  ): Array<ManifestEntry & { mtimeMs: number; size: number }> {
    if (scopes.length === 0) return [];
    const rows = this.database
      .prepare(
        `SELECT scope, name, description, type, updated, referenced_paths, conflict, pinned, mtime_ms, size
         FROM memory_index_state WHERE (project_key IS NULL OR project_key = ?) AND name IS NOT NULL
         AND mtime_ms IS NOT NULL AND size IS NOT NULL AND coalesce(broken, 0) = 0
         AND scope IN (${scopes.map(() => "?").join(", ")})`,
      )
      .all(projectKey, ...scopes) as unknown as Array<ManifestRow & { mtime_ms: number; size: number }>;
    return rows.map((row) => ({ ...manifestEntryOf(row), mtimeMs: row.mtime_ms, size: row.size }));
  }

  /** See recent-entries.ts: the memory index's rows, from a cache the writes above clear. */
  recentEntries(
    projectKey: string,
    scopes: readonly MemoryScope[],
    limit: number,
    decay?: { before: number; used: readonly string[] },
  ): RecentEntries {
    return cachedRecentEntries(this.database, { projectKey, scopes, limit, ...(decay ? { decay } : {}) });
  }

  /**
   * Runs `work` in one transaction, so a first sync of thousands of files is one write, not thousands;
   * the index is rebuilt from the memory files, so its commit does not wait for the disk.
   */
  inTransaction<T>(work: () => T): T {
    return withoutDiskWait(this.database, () => transaction(this.database, work));
  }
}
