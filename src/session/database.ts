import { renameSync, statSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { ensureOwnerOnlyFile, ensurePrivateHome } from "../config/private-store.ts";
import { printStderrLine } from "../core/terminal-safe.ts";
import type { Migration } from "./migration.ts";
import { sessionMigrations } from "./session-schema.ts";

export type { Migration } from "./migration.ts";

/** How long a writer waits for another tacit process's lock before failing. */
const BUSY_TIMEOUT_MS = 5_000;

/** `PRAGMA user_version` for the bookkeeping format below (the migrations table). */
const BOOKKEEPING_VERSION = 1;

export interface OpenDatabaseOptions {
  /**
   * Told, in one line, when a damaged database was set aside and a fresh one
   * started. Default: printed on stderr. The TUI collects it instead, so the
   * line does not land in the middle of its screen.
   */
  onNotice?: (line: string) => void;
}

/**
 * Opens (creating as needed) tacit's SQLite database: WAL so readers never
 * block the writer and a crash keeps every committed append, a busy timeout so
 * two tacit processes can share the file, foreign keys on. Then applies the
 * session migrations and `extraMigrations`, each once, in order. tacit's own
 * database is opened through memory/tacit-database.ts, which passes the
 * memory modules' migrations.
 *
 * A damaged file (truncated, garbled, not a database) does not stop tacit: it
 * is kept aside as `tacit.db.corrupt-<time>` (with its -wal and -shm), a fresh
 * one is started, and the caller's notice says so. The database holds nothing
 * that exists only there but past sessions: the memory index is derived from
 * the memory files and rebuilt by the next index sync.
 */
export function openDatabase(
  databaseFile: string,
  extraMigrations: readonly Migration[] = [],
  options: OpenDatabaseOptions = {},
): DatabaseSync {
  const inMemory = databaseFile === ":memory:";
  if (inMemory) return openAndMigrate(databaseFile, extraMigrations);
  // Every session of every project: the folder and the files are the user's alone.
  ensurePrivateHome(path.dirname(path.resolve(databaseFile)));
  for (const suffix of ["", "-wal", "-shm"])
    ensureOwnerOnlyFile(`${databaseFile}${suffix}`, { create: suffix === "" });
  const before = fileIdentity(databaseFile);
  try {
    return openAndMigrate(databaseFile, extraMigrations);
  } catch (error) {
    if (!isDatabaseDamaged(error)) throw error;
    // Another tacit may have set the same damaged file aside a moment ago: then its fresh one is ours too.
    if (before !== fileIdentity(databaseFile)) return openAndMigrate(databaseFile, extraMigrations);
    const notice = setAsideDamaged(databaseFile, error);
    const database = openAndMigrate(databaseFile, extraMigrations);
    (options.onNotice ?? ((line: string) => printStderrLine(`warning: ${line}`)))(
      `${notice}; a fresh one was started (the memory index is rebuilt from the memory files)`,
    );
    return database;
  }
}

/**
 * Damage deep in the file may pass the checks at open and surface only in a
 * later query. The caller, having closed the database, sets it aside with
 * this; the next command starts fresh. Returns the line to tell the user.
 */
export function setAsideDamaged(databaseFile: string, error: unknown): string {
  const aside = setAside(databaseFile);
  return `${databaseFile} was damaged (${(error as Error).message}); it is kept as ${aside}, past sessions with it`;
}

function openAndMigrate(databaseFile: string, extraMigrations: readonly Migration[]): DatabaseSync {
  // The constructor's timeout is the busy timeout, in force before the first statement (the WAL switch needs a lock too).
  const database = new DatabaseSync(databaseFile, { timeout: BUSY_TIMEOUT_MS });
  try {
    database.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (databaseFile !== ":memory:") database.exec("PRAGMA journal_mode = WAL");
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

/** SQLITE_CORRUPT (11, with its extended codes) and SQLITE_NOTADB (26): the file, not the statement, is bad. */
export function isDatabaseDamaged(error: unknown): boolean {
  const code = (error as { errcode?: unknown }).errcode;
  return typeof code === "number" && [11, 26].includes(code & 0xff);
}

function fileIdentity(filePath: string): string | undefined {
  const stats = statSync(filePath, { throwIfNoEntry: false });
  return stats ? `${stats.dev}:${stats.ino}` : undefined;
}

/** Renames the file and its WAL and shared-memory files to `<file>.corrupt-<time>[-wal|-shm]`: SQLite can still open the kept copy whole. */
function setAside(databaseFile: string): string {
  const aside = `${databaseFile}.corrupt-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  renameSync(databaseFile, aside);
  for (const suffix of ["-wal", "-shm"]) {
    try {
      renameSync(`${databaseFile}${suffix}`, `${aside}${suffix}`);
    } catch {
      // Not there (a clean close removes them).
    }
  }
  return aside;
}

/**
 * Applies the migrations not yet recorded, all in one write transaction with
 * the bookkeeping table itself: a fresh database (a new home) pays one durable
 * commit instead of one per migration, which was most of its creation time. An
 * up-to-date database is only read. Safe when two processes start at once: the
 * ids are checked again inside the transaction, which holds the write lock.
 */
export function runMigrations(database: DatabaseSync, migrations: readonly Migration[]): string[] {
  const seen = new Set<string>();
  for (const migration of migrations) {
    if (seen.has(migration.id)) throw new Error(`Duplicate migration id "${migration.id}"`);
    seen.add(migration.id);
  }
  const recordedBefore = recordedMigrationIds(database);
  const upToDate = migrations.every(({ id }) => recordedBefore.has(id));
  if (upToDate && bookkeepingVersion(database) === BOOKKEEPING_VERSION) return [];
  return withoutDiskWait(database, () =>
    transaction(database, () => {
      database.exec(
        "CREATE TABLE IF NOT EXISTS migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL) STRICT",
      );
      if (bookkeepingVersion(database) !== BOOKKEEPING_VERSION)
        database.exec(`PRAGMA user_version = ${BOOKKEEPING_VERSION}`);
      const recorded = recordedMigrationIds(database);
      const record = database.prepare("INSERT INTO migrations (id, applied_at) VALUES (?, ?)");
      const applied: string[] = [];
      for (const migration of migrations) {
        if (recorded.has(migration.id)) continue;
        migration.up(database);
        record.run(migration.id, new Date().toISOString());
        applied.push(migration.id);
      }
      return applied;
    }),
  );
}

function bookkeepingVersion(database: DatabaseSync): unknown {
  return database.prepare("PRAGMA user_version").get()?.user_version;
}

/** The ids in the migrations table; none before the table exists. */
function recordedMigrationIds(database: DatabaseSync): Set<string> {
  const table = database
    .prepare("SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = 'migrations'")
    .get();
  return new Set(table ? appliedMigrations(database) : []);
}

/**
 * Runs `work`, whose writes are data derived from elsewhere (the schema, the
 * memory index built from the memory files), with `synchronous = NORMAL`: its
 * commit does not wait for the disk. In WAL mode a power cut may undo such a
 * commit, never corrupt the file, and the next durable commit (a message)
 * syncs the log with these writes in it. Each is one fsync less before the
 * first request (a new home paid four: the migrations, the memory manifest,
 * the recent-memory listing, then the message itself).
 */
export function withoutDiskWait<T>(database: DatabaseSync, work: () => T): T {
  // SQLite refuses to change the safety level inside a transaction; work joining an open one
  // commits with it, at that transaction's level.
  if (database.isTransaction) return work();
  database.exec("PRAGMA synchronous = NORMAL");
  try {
    return work();
  } finally {
    database.exec("PRAGMA synchronous = FULL");
  }
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
