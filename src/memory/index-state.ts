import type { DatabaseSync } from "node:sqlite";
import type { Migration } from "../session/migration.ts";

/**
 * The table of memory files already indexed, with the content hash each had.
 * IF NOT EXISTS on purpose: before it had a migration, every open created it
 * with this statement, so a database made then already holds it; this first
 * migration adopts it as it is.
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
];

/**
 * Which memory files the search index holds, and at which content hash, so a
 * sync at start reads only the files that changed. User memories have no
 * project key: they belong to every project.
 */
export class IndexState {
  private readonly database: DatabaseSync;

  constructor(database: DatabaseSync) {
    this.database = database;
  }

  /** Document id to content hash, for one project's memories and the user's. */
  known(projectKey: string): Map<string, string> {
    const rows = this.database
      .prepare("SELECT id, hash FROM memory_index_state WHERE project_key IS NULL OR project_key = ?")
      .all(projectKey) as Array<{ id: string; hash: string }>;
    return new Map(rows.map((row) => [row.id, row.hash]));
  }

  record(id: string, hash: string, projectKey: string | undefined): void {
    this.database
      .prepare(
        "INSERT INTO memory_index_state (id, hash, project_key) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET hash = excluded.hash",
      )
      .run(id, hash, projectKey ?? null);
  }

  forget(id: string): void {
    this.database.prepare("DELETE FROM memory_index_state WHERE id = ?").run(id);
  }

  /** Forgets one project's memories and the user's, so the next sync reads every file again. */
  forgetAll(projectKey: string): void {
    this.database
      .prepare("DELETE FROM memory_index_state WHERE project_key IS NULL OR project_key = ?")
      .run(projectKey);
  }
}
