import {
  closeSync,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { agentFileRecordMigrations } from "../session/agent-file-records.ts";
import { checkpointMigrations } from "../session/checkpoint-records.ts";
import { type Migration, type OpenDatabaseOptions, openDatabase } from "../session/database.ts";
import { recallLogMigrations } from "../session/recall-log.ts";
import { reflectionLedgerMigrations } from "../session/reflection-ledger.ts";
import { importLedgerMigrations } from "../session/transcripts/import-ledger.ts";
import { embeddingHealthMigrations } from "./embedding-health.ts";
import { indexStateMigrations } from "./index-state.ts";
import { searchIndexMigrations } from "./search/schema.ts";

/**
 * Every table of tacit's database beyond the session tables (which
 * openDatabase always applies first), each list owned by the module that
 * reads and writes those tables. A new table is a new migration in its
 * module's list, added here once.
 */
const memoryMigrations: readonly Migration[] = [
  ...searchIndexMigrations,
  ...indexStateMigrations,
  ...embeddingHealthMigrations,
  ...reflectionLedgerMigrations,
  ...importLedgerMigrations,
  ...agentFileRecordMigrations,
  ...recallLogMigrations,
  ...checkpointMigrations,
];

/**
 * Opens tacit's database with every migration applied: the one place the
 * schema is brought up to date, for runs, the `tacit memory` and `tacit
 * sessions` commands and anything else that opens `tacit.db`. A damaged file
 * is set aside as openDatabase describes.
 */
export function openTacitDatabase(databaseFile: string, options: OpenDatabaseOptions = {}): DatabaseSync {
  if (databaseFile !== ":memory:" && TEMPLATE_URL.protocol === "file:")
    startFromTemplate(databaseFile, fileURLToPath(TEMPLATE_URL));
  return openDatabase(databaseFile, memoryMigrations, options);
}

/**
 * The build leaves beside the chunks a database with every migration applied
 * and nothing else (scripts/build.mjs, writeDatabaseTemplate). A new home
 * copies it instead of running the migrations: creating some forty tables and
 * indexes cost about 4 ms before a first run's first request (measured), a
 * copy a tenth of that. Migrations added since the build are applied as usual,
 * and without the file (the source tree, tests) nothing changes.
 *
 * The copy is written as SQLite would create the file: new (never through a
 * file or link already at that name), owner-only (not the template's mode: a
 * read-only install's 444), as openDatabase keeps the database. It becomes the database only whole (a hard link
 * of the finished copy) and never over one another process made meanwhile. A
 * log left by a deleted database (`-wal`) would be replayed onto the copy, so
 * then the migrations make the database, as they always did.
 */
const TEMPLATE_URL = new URL("./tacit-template.db", import.meta.url);
const SQLITE_HEADER = "SQLite format 3\0";

/** Copies the template to a database file not made yet; true when the copy became the database. Exported for tests. */
export function startFromTemplate(databaseFile: string, templateFile: string): boolean {
  if ([databaseFile, `${databaseFile}-wal`, `${databaseFile}-shm`].some((file) => existsSync(file)))
    return false;
  let bytes: Buffer;
  try {
    bytes = readFileSync(templateFile);
  } catch {
    return false; // no template here
  }
  if (bytes.subarray(0, SQLITE_HEADER.length).toString("latin1") !== SQLITE_HEADER) return false;
  const partial = `${databaseFile}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.new`;
  let created = false;
  try {
    mkdirSync(path.dirname(path.resolve(databaseFile)), { recursive: true });
    const descriptor = openSync(partial, "wx", 0o600);
    created = true;
    try {
      writeFileSync(descriptor, bytes);
    } finally {
      closeSync(descriptor);
    }
    linkSync(partial, databaseFile);
    return true;
  } catch {
    // Another process made the database meanwhile, or the copy failed (a full disk, a file system
    // without hard links, something already at the scratch name): the migrations make one.
    return false;
  } finally {
    if (created) rmSync(partial, { force: true });
  }
}

/** The build's step: a database with every migration applied, closed so its log is folded in. */
export function writeDatabaseTemplate(templateFile: string): void {
  rmSync(templateFile, { force: true });
  openDatabase(templateFile, memoryMigrations).close();
}
