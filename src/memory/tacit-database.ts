import { copyFileSync, existsSync, linkSync, mkdirSync, rmSync } from "node:fs";
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
  if (databaseFile !== ":memory:") startFromTemplate(databaseFile);
  return openDatabase(databaseFile, memoryMigrations, options);
}

/**
 * The build leaves beside the chunks a database with every migration applied
 * and nothing else (scripts/build.mjs, writeDatabaseTemplate). A new home
 * copies it instead of running the migrations: creating some forty tables and
 * indexes cost about 4 ms before a first run's first request (measured), a
 * copy a tenth of that. Migrations added since the build are applied as usual,
 * and without the file (the source tree, tests) nothing changes. The copy
 * becomes the database only whole (a hard link of the finished copy), and not
 * over one another process made meanwhile.
 */
const TEMPLATE_URL = new URL("./tacit-template.db", import.meta.url);

function startFromTemplate(databaseFile: string): void {
  if (TEMPLATE_URL.protocol !== "file:" || existsSync(databaseFile)) return;
  const template = fileURLToPath(TEMPLATE_URL);
  if (!existsSync(template)) return;
  const partial = `${databaseFile}.${process.pid}.new`;
  try {
    mkdirSync(path.dirname(path.resolve(databaseFile)), { recursive: true });
    copyFileSync(template, partial);
    linkSync(partial, databaseFile);
  } catch {
    // Another process made the database meanwhile, or the copy failed (a full disk, a file system
    // without hard links): the database there is used, or the migrations make one.
  } finally {
    rmSync(partial, { force: true });
  }
}

/** The build's step: a database with every migration applied, closed so its log is folded in. */
export function writeDatabaseTemplate(templateFile: string): void {
  rmSync(templateFile, { force: true });
  openDatabase(templateFile, memoryMigrations).close();
}
