import type { DatabaseSync } from "node:sqlite";
import type { Migration } from "../../session/migration.ts";

/**
 * The search tables. Documents keep their text once in search_documents; the FTS5
 * table is an external-content index over it, kept in step by triggers, so the text
 * is not stored twice, and an upsert re-indexes (and drops the stale embedding) only
 * when the text really changed: a reindex of unchanged memory files costs no FTS work.
 * Every name starts with search_ because the database is shared with sessions and usage.
 *
 * IF NOT EXISTS on purpose: before these tables had a migration, every open
 * created them with exactly these statements, so a database made then already
 * holds them (and their data); this first migration adopts them as they are.
 */
const SEARCH_TABLES = `
CREATE TABLE IF NOT EXISTS search_documents (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  scope TEXT NOT NULL,
  project_key TEXT,
  session_id TEXT,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  context TEXT NOT NULL DEFAULT '',
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS search_vectors (
  rowid INTEGER PRIMARY KEY,
  model TEXT NOT NULL,
  vector BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS search_documents_session ON search_documents(session_id);
CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
  title, body, context,
  content='search_documents', content_rowid='rowid',
  tokenize="porter unicode61 remove_diacritics 2"
);
CREATE TRIGGER IF NOT EXISTS search_documents_after_insert AFTER INSERT ON search_documents BEGIN
  INSERT INTO search_fts(rowid, title, body, context) VALUES (new.rowid, new.title, new.body, new.context);
END;
CREATE TRIGGER IF NOT EXISTS search_documents_after_delete AFTER DELETE ON search_documents BEGIN
  INSERT INTO search_fts(search_fts, rowid, title, body, context)
    VALUES ('delete', old.rowid, old.title, old.body, old.context);
  DELETE FROM search_vectors WHERE rowid = old.rowid;
END;
CREATE TRIGGER IF NOT EXISTS search_documents_after_update AFTER UPDATE OF title, body, context ON search_documents
  WHEN old.title IS NOT new.title OR old.body IS NOT new.body OR old.context IS NOT new.context BEGIN
  INSERT INTO search_fts(search_fts, rowid, title, body, context)
    VALUES ('delete', old.rowid, old.title, old.body, old.context);
  INSERT INTO search_fts(rowid, title, body, context) VALUES (new.rowid, new.title, new.body, new.context);
  DELETE FROM search_vectors WHERE rowid = old.rowid;
END;
`;

/**
 * The search index's migrations, owned here: only this module (and
 * search-index.ts, which reads and writes the tables) knows their names.
 */
export const searchIndexMigrations: readonly Migration[] = [
  {
    id: "search-001-documents-fts-vectors",
    up(database: DatabaseSync) {
      database.exec(SEARCH_TABLES);
    },
  },
];
