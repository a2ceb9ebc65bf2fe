import type { DatabaseSync } from "node:sqlite";
import type { Migration } from "../session/migration.ts";
import type { MemoryType } from "./memory-file.ts";
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
];

/** File path to [mtimeMs, size] as the last sync saw it; a null mtime is never trusted. */
export type FolderManifest = Record<string, [number | null, number]>;

/** What the sync compares a file against: unchanged mtime and size mean unchanged file. */
export interface KnownFile {
  hash: string;
  mtimeMs: number | null;
  size: number | null;
}

/** One memory as the manifest keeps it: enough for the memory index without opening the file. */
export interface ManifestEntry {
  scope: MemoryScope;
  name: string;
  description: string;
  type: MemoryType;
  updated: string;
  /** The paths the memory names (freshness.ts referencedPaths), checked for staleness when listed. */
  referencedPaths: string[];
  conflict: boolean;
  /** `pinned: true`: never decays out of the index. */
  pinned: boolean;
}

export interface IndexedFile extends ManifestEntry {
  hash: string;
  broken: boolean;
  /** Null when not to be trusted (see RACY_WINDOW_MS in index-sync.ts). */
  mtimeMs: number | null;
  size: number;
}

interface ManifestRow {
  scope: string;
  name: string;
  description: string;
  type: string;
  updated: string;
  referenced_paths: string | null;
  conflict: number | null;
  pinned: number | null;
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
        "SELECT id, hash, mtime_ms, size FROM memory_index_state WHERE project_key IS NULL OR project_key = ?",
      )
      .all(projectKey) as Array<{ id: string; hash: string; mtime_ms: number | null; size: number | null }>;
    return new Map(rows.map((row) => [row.id, { hash: row.hash, mtimeMs: row.mtime_ms, size: row.size }]));
  }

  record(id: string, file: IndexedFile, projectKey: string | undefined): void {
    this.database
      .prepare(
        `INSERT INTO memory_index_state
           (id, hash, project_key, mtime_ms, size, scope, name, description, type, updated, referenced_paths, recency, broken,
            conflict, pinned)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET hash = excluded.hash, mtime_ms = excluded.mtime_ms, size = excluded.size,
           scope = excluded.scope, name = excluded.name, description = excluded.description,
           type = excluded.type, updated = excluded.updated, referenced_paths = excluded.referenced_paths,
           recency = excluded.recency, broken = excluded.broken, conflict = excluded.conflict,
           pinned = excluded.pinned`,
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
    this.database.prepare("DELETE FROM memory_index_state WHERE id = ?").run(id);
  }

  /**
   * Forgets one project's memories and the user's, so the next sync reads every
   * file again. Every folder manifest goes too: other projects' manifests cover
   * the user folder, whose rows are gone.
   */
  forgetAll(projectKey: string): void {
    this.database
      .prepare("DELETE FROM memory_index_state WHERE project_key IS NULL OR project_key = ?")
      .run(projectKey);
    this.forgetFolderManifests();
  }

  folderManifest(key: string): FolderManifest | undefined {
    const row = this.database.prepare("SELECT files FROM memory_folder_manifest WHERE key = ?").get(key);
    return row ? (JSON.parse(String(row.files)) as FolderManifest) : undefined;
  }

  forgetFolderManifests(): void {
    this.database.exec("DELETE FROM memory_folder_manifest");
  }

  saveFolderManifest(key: string, manifest: FolderManifest): void {
    this.database
      .prepare(
        "INSERT INTO memory_folder_manifest (key, files) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET files = excluded.files",
      )
      .run(key, JSON.stringify(manifest));
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

  /**
   * The `limit` most recent memories of the given scopes as last synced, for
   * the always-loaded index (ties go to scope order, then name, as the index
   * drops them), and how many there are in all. User rows carry no project
   * key, project and local rows this project's. With `decay`, memories last
   * updated before `decay.before` (ms) are left out and counted as decayed,
   * unless pinned or named in `decay.used` ("<scope>/<name>", recalled since).
   */
  recentEntries(
    projectKey: string,
    scopes: readonly MemoryScope[],
    limit: number,
    decay?: { before: number; used: readonly string[] },
  ): { entries: ManifestEntry[]; total: number; decayed: number } {
    if (scopes.length === 0) return { entries: [], total: 0, decayed: 0 };
    const where = `(project_key IS NULL OR project_key = ?) AND name IS NOT NULL
      AND scope IN (${scopes.map(() => "?").join(", ")})`;
    const kept = decay
      ? "(recency >= ? OR pinned = 1 OR scope || '/' || name IN (SELECT value FROM json_each(?)))"
      : "1";
    const keptParameters = decay ? [decay.before, JSON.stringify(decay.used)] : [];
    const counts = this.database
      .prepare(
        `SELECT count(*) AS total, coalesce(sum(CASE WHEN ${kept} THEN 0 ELSE 1 END), 0) AS decayed
         FROM memory_index_state WHERE ${where}`,
      )
      .get(...keptParameters, projectKey, ...scopes);
    const rows = this.database
      .prepare(
        `SELECT scope, name, description, type, updated, referenced_paths, conflict, pinned FROM memory_index_state
         WHERE ${where} AND ${kept}
         ORDER BY recency DESC, CASE scope WHEN 'user' THEN 0 WHEN 'project' THEN 1 ELSE 2 END, name
         LIMIT ?`,
      )
      .all(projectKey, ...scopes, ...keptParameters, limit) as unknown as ManifestRow[];
    const entries = rows.map(manifestEntryOf);
    return { entries, total: Number(counts?.total ?? 0), decayed: Number(counts?.decayed ?? 0) };
  }

  /** Runs `work` in one transaction, so a first sync of thousands of files is one write, not thousands. */
  inTransaction<T>(work: () => T): T {
    if (this.database.isTransaction) return work();
    this.database.exec("BEGIN");
    try {
      const result = work();
      this.database.exec("COMMIT");
      return result;
    } catch (error) {
      this.database.exec("ROLLBACK");
      throw error;
    }
  }
}

function manifestEntryOf(row: ManifestRow): ManifestEntry {
  return {
    scope: row.scope as MemoryScope,
    name: row.name,
    description: row.description,
    type: row.type as MemoryType,
    updated: row.updated,
    referencedPaths: row.referenced_paths ? (JSON.parse(row.referenced_paths) as string[]) : [],
    conflict: row.conflict === 1,
    pinned: row.pinned === 1,
  };
}
