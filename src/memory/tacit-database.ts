import type { DatabaseSync } from "node:sqlite";
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
  return openDatabase(databaseFile, memoryMigrations, options);
}
