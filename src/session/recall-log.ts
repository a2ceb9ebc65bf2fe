import type { DatabaseSync } from "node:sqlite";
import { transaction } from "./database.ts";
import type { Migration } from "./migration.ts";

/**
 * Which memories were put before the model, when, in which session and user
 * turn: recall adding them to a turn, and the model viewing one with the
 * memory tool. `tacit memory doctor` reports the memories never recalled,
 * decay leaves long-unused ones out of the always-in-context index, and the
 * memory browser shows the turns that recalled a memory.
 *
 * memory_id is "<scope>/<name>". Project and local memories of different
 * projects can share that id; their recalls are told apart by the session's
 * project (recallStats' projectRoot), so session_id is kept but is not a
 * foreign key: a recall outlives the session rows it came from. `at` is an
 * ISO timestamp (UTC, as Date.toISOString writes it), so text order is time order.
 */
export const recallLogMigrations: readonly Migration[] = [
  {
    id: "recall-log-001",
    up(database: DatabaseSync) {
      database.exec(`
        CREATE TABLE memory_recalls (
          memory_id TEXT NOT NULL,
          session_id TEXT NOT NULL,
          turn INTEGER NOT NULL,
          at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX memory_recalls_by_memory ON memory_recalls (memory_id, at);
      `);
    },
  },
];

export interface RecallEntry {
  /** "<scope>/<name>". */
  memoryId: string;
  sessionId: string;
  /** The user turn (1 for the session's first user message). */
  turn: number;
  /** ISO timestamp. */
  at: string;
}

export interface RecallStat {
  count: number;
  /** ISO timestamp of the latest recall. */
  lastAt: string;
}

/** Records recalls in one transaction. */
export function recordRecalls(database: DatabaseSync, entries: readonly RecallEntry[]): void {
  if (entries.length === 0) return;
  const insert = database.prepare(
    "INSERT INTO memory_recalls (memory_id, session_id, turn, at) VALUES (?, ?, ?, ?)",
  );
  transaction(database, () => {
    for (const entry of entries) insert.run(entry.memoryId, entry.sessionId, entry.turn, entry.at);
  });
}

/**
 * How often and how lately each memory was recalled, keyed "<scope>/<name>", counting recalls at or
 * after `since`. With `projectRoot`, project and local memories count only the recalls of that
 * project's sessions (another project's "project/test-command" is another memory); user memories
 * count every session's.
 */
export function recallStats(
  database: DatabaseSync,
  options: { since?: string; projectRoot?: string } = {},
): Map<string, RecallStat> {
  const conditions: string[] = [];
  const parameters: string[] = [];
  if (options.since !== undefined) {
    conditions.push("r.at >= ?");
    parameters.push(options.since);
  }
  if (options.projectRoot !== undefined) {
    conditions.push(
      "(r.memory_id LIKE 'user/%' OR EXISTS (SELECT 1 FROM sessions s WHERE s.id = r.session_id AND s.project_root = ?))",
    );
    parameters.push(options.projectRoot);
  }
  const where = conditions.length ? `WHERE ${conditions.join(" AND ")}` : "";
  const rows = database
    .prepare(
      `SELECT r.memory_id AS id, COUNT(*) AS count, MAX(r.at) AS last_at FROM memory_recalls r ${where} GROUP BY r.memory_id`,
    )
    .all(...parameters);
  return new Map(
    rows.map((row) => [String(row.id), { count: Number(row.count), lastAt: String(row.last_at) }]),
  );
}

/** The latest recalls of one memory, newest first (default 20). */
export function recallsOf(
  database: DatabaseSync,
  memoryId: string,
  limit = 20,
): { sessionId: string; turn: number; at: string }[] {
  return database
    .prepare(
      "SELECT session_id, turn, at FROM memory_recalls WHERE memory_id = ? ORDER BY at DESC, rowid DESC LIMIT ?",
    )
    .all(memoryId, limit)
    .map((row) => ({ sessionId: String(row.session_id), turn: Number(row.turn), at: String(row.at) }));
}
