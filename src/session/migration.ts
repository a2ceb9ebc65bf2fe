import type { DatabaseSync } from "node:sqlite";

/**
 * One schema change. Migrations are named, not numbered, and recorded in the
 * `migrations` table, so separate modules (sessions, the memory index) can each
 * bring their own without agreeing on version numbers. An id, once shipped,
 * never changes meaning: add a new migration instead of editing an old one.
 *
 * Each module keeps its list beside the code that reads and writes its tables
 * (session-schema.ts, memory/search/schema.ts, memory/index-state.ts,
 * memory/embedding-health.ts); memory/tacit-database.ts opens the database
 * with all of them, and no other code creates a table.
 */
export interface Migration {
  id: string;
  /** Runs inside a write transaction; throw to roll it back. */
  up(database: DatabaseSync): void;
}
