import { mkdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { Migration } from "./migration.ts";
import { sessionMigrations } from "./session-schema.ts";

export type { Migration } from "./migration.ts";

/** How long a writer waits for another tacit process's lock before failing. */
const BUSY_TIMEOUT_MS = 5_000;

/** `PRAGMA user_version` for the bookkeeping format below (the migrations table). */
const BOOKKEEPING_VERSION = 1;

/**
 * Opens (creating as needed) tacit's SQLite database: WAL so readers never
 * block the writer and a crash keeps every committed append, a busy timeout so
 * two tacit processes can share the file, foreign keys on. Then applies the
 * session migrations and `extraMigrations`, each once, in order.
 */
export function openDatabase(databaseFile: string, extraMigrations: readonly Migration[] = []): DatabaseSync {
  const inMemory = databaseFile === ":memory:";
  if (!inMemory) mkdirSync(path.dirname(path.resolve(databaseFile)), { recursive: true });
  // The constructor's timeout is the busy timeout, in force before the first statement (the WAL switch needs a lock too).
  const database = new DatabaseSync(databaseFile, { timeout: BUSY_TIMEOUT_MS });
  try {
    database.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (!inMemory) database.exec("PRAGMA journal_mode = WAL");
    // FULL: a committed message survives a power cut too, not only a crash of tacit; appends are rare enough.
    database.exec("PRAGMA synchronous = FULL");
    database.exec("PRAGMA foreign_keys = ON");
    runMigrations(database, [...sessionMigrations, ...extraMigrations]);
  } catch (error) {
    database.close();
    throw error;
  }
  return database;
}

/**
 * Applies the migrations not yet recorded, each in its own write transaction.
 * Safe when two processes start at once: the id is checked again inside the
 * transaction, which holds the write lock.
 */
export function runMigrations(database: DatabaseSync, migrations: readonly Migration[]): string[] {
  const seen = new Set<string>();
  for (const migration of migrations) {
    if (seen.has(migration.id)) throw new Error(`Duplicate migration id "${migration.id}"`);
    seen.add(migration.id);
  }
  database.exec(
    "CREATE TABLE IF NOT EXISTS migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL) STRICT",
  );
  const version = database.prepare("PRAGMA user_version").get()?.user_version;
  if (version !== BOOKKEEPING_VERSION) database.exec(`PRAGMA user_version = ${BOOKKEEPING_VERSION}`);

  const isApplied = database.prepare("SELECT 1 AS found FROM migrations WHERE id = ?");
  const record = database.prepare("INSERT INTO migrations (id, applied_at) VALUES (?, ?)");
  const applied: string[] = [];
  for (const migration of migrations) {
    if (isApplied.get(migration.id)) continue;
    transaction(database, () => {
      if (isApplied.get(migration.id)) return;
      migration.up(database);
      record.run(migration.id, new Date().toISOString());
      applied.push(migration.id);
    });
  }
  return applied;
}

/**
 * Runs `work` in one write transaction (BEGIN IMMEDIATE takes the write lock
 * up front, so a concurrent writer waits on busy_timeout instead of failing
 * halfway). Inside an open transaction it simply joins it.
 */
export function transaction<T>(database: DatabaseSync, work: () => T): T {
  if (database.isTransaction) return work();
  database.exec("BEGIN IMMEDIATE");
  try {
    const result = work();
    database.exec("COMMIT");
    return result;
  } catch (error) {
    if (database.isTransaction) database.exec("ROLLBACK");
    throw error;
  }
}

/** The list of migration ids recorded in this database, oldest first. */
export function appliedMigrations(database: DatabaseSync): string[] {
  return database
    .prepare("SELECT id FROM migrations ORDER BY rowid")
    .all()
    .map((row) => String(row.id));
}
