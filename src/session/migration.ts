import type { DatabaseSync } from "node:sqlite";

/**
 * One schema change. Migrations are named, not numbered, and recorded in the
 * `migrations` table, so separate modules (sessions, the memory index) can each
 * bring their own without agreeing on version numbers. An id, once shipped,
 * never changes meaning: add a new migration instead of editing an old one.
 */
export interface Migration {
  id: string;
  /** Runs inside a write transaction; throw to roll it back. */
  up(database: DatabaseSync): void;
}
