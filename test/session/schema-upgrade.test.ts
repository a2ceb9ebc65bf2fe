// A database made by tacit before every table had a migration opens with the
// current code: each module's first migration adopts the tables it finds, the
// data stays, and the result is the same schema a fresh database gets.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { messageText } from "../../src/core/messages.ts";
import { EmbeddingHealth } from "../../src/memory/embedding-health.ts";
import { IndexState } from "../../src/memory/index-state.ts";
import { sessionRedaction } from "../../src/memory/redact-message.ts";
import { SearchIndex } from "../../src/memory/search/search-index.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { appliedMigrations } from "../../src/session/database.ts";
import { SessionStore } from "../../src/session/store.ts";

const NOW = Date.UTC(2026, 10, 1);

// The statements the earlier code ran, verbatim: the session migration through the
// migrations table, the rest with IF NOT EXISTS at every open.
const OLD_BOOKKEEPING = `
CREATE TABLE IF NOT EXISTS migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL) STRICT;
PRAGMA user_version = 1;
`;
const OLD_SESSION_TABLES = `
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  cwd TEXT NOT NULL,
  project_root TEXT NOT NULL,
  model TEXT NOT NULL,
  title TEXT,
  parent_id TEXT REFERENCES sessions(id) ON DELETE SET NULL
) STRICT;
CREATE INDEX sessions_by_cwd ON sessions (cwd, updated_at);
CREATE INDEX sessions_by_update ON sessions (updated_at);
CREATE TABLE messages (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  role TEXT NOT NULL,
  content TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  model TEXT,
  PRIMARY KEY (session_id, seq)
) STRICT;
CREATE TABLE usage_records (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  model TEXT NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (session_id, seq)
) STRICT;
INSERT INTO migrations (id, applied_at) VALUES ('session-001-sessions-messages-usage', '2026-10-01T00:00:00.000Z');
`;
const OLD_SEARCH_TABLES = `
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
const OLD_MEMORY_TABLES = `
CREATE TABLE IF NOT EXISTS memory_index_state (id TEXT PRIMARY KEY, hash TEXT NOT NULL, project_key TEXT);
CREATE TABLE IF NOT EXISTS memory_embedding_health (model TEXT PRIMARY KEY, down_until INTEGER NOT NULL, reason TEXT NOT NULL);
`;

/** A tacit.db as the earlier code left it, holding one of everything. */
function buildOldDatabase(file: string): void {
  const database = new DatabaseSync(file);
  database.exec("PRAGMA journal_mode = WAL");
  database.exec(OLD_BOOKKEEPING + OLD_SESSION_TABLES + OLD_SEARCH_TABLES + OLD_MEMORY_TABLES);
  database
    .prepare(
      "INSERT INTO sessions (id, created_at, updated_at, cwd, project_root, model) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .run("s-old", NOW, NOW, "/work/app", "/work/app", "anthropic/claude-sonnet-4-5");
  database
    .prepare("INSERT INTO messages (session_id, seq, role, content, created_at) VALUES (?, ?, ?, ?, ?)")
    .run("s-old", 1, "user", JSON.stringify([{ type: "text", text: "where is the parser?" }]), NOW);
  const insertDocument = database.prepare(
    "INSERT INTO search_documents (id, kind, scope, project_key, session_id, title, body, context, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  insertDocument.run(
    "s-old#0",
    "transcript",
    "session",
    "app",
    "s-old",
    "user in session s-old",
    "the parser lives in src/zeppelin-parser.ts",
    "",
    NOW,
  );
  insertDocument.run(
    "memory:user/tabs",
    "memory",
    "user",
    null,
    null,
    "tabs: tabs in shell scripts",
    "Prefer tabs in shell scripts.",
    "preference",
    NOW,
  );
  database
    .prepare(
      "INSERT INTO search_vectors (rowid, model, vector) VALUES ((SELECT rowid FROM search_documents WHERE id = ?), ?, ?)",
    )
    .run("memory:user/tabs", "fake/embed", new Uint8Array(new Float32Array([1, 0]).buffer));
  database
    .prepare("INSERT INTO memory_index_state (id, hash, project_key) VALUES (?, ?, ?)")
    .run("memory:user/tabs", "hash-of-tabs", null);
  database
    .prepare("INSERT INTO memory_embedding_health (model, down_until, reason) VALUES (?, ?, ?)")
    .run("fake/embed", NOW + 60_000, "connection refused");
  database.close();
}

function schemaOf(database: DatabaseSync): string[] {
  return database
    .prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
    .all()
    .map((row) => `${row.type} ${row.name}: ${String(row.sql).replace(/\s+/g, " ")}`);
}

let root: string;
const opened: DatabaseSync[] = [];

function open(file: string): DatabaseSync {
  const database = openTacitDatabase(file);
  opened.push(database);
  return database;
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "tacit-upgrade-"));
});

afterEach(() => {
  for (const database of opened.splice(0)) if (database.isOpen) database.close();
  rmSync(root, { recursive: true, force: true });
});

describe("a database made before every table had a migration", () => {
  it("is adopted by the named migrations, once, with its data kept", () => {
    const file = path.join(root, "tacit.db");
    buildOldDatabase(file);
    const database = open(file);

    expect(appliedMigrations(database)).toEqual([
      "session-001-sessions-messages-usage",
      "session-002-rewound-messages",
      "session-003-message-ending",
      "search-001-documents-fts-vectors",
      "memory-index-state-001-hashes",
      "memory-index-state-002-manifest",
      "memory-index-state-003-conflict",
      "memory-index-state-004-pinned",
      "memory-index-state-005-folder-stamps",
      "embedding-health-001-markers",
      "reflection-001-runs",
      "reflection-002-declined",
      "import-ledger-001-learned-transcripts",
      "agent-file-records-001",
      "recall-log-001",
      "checkpoints-001",
    ]);
    const store = new SessionStore(database, { redact: sessionRedaction });
    expect(store.loadMessages("s-old").map(messageText)).toEqual(["where is the parser?"]);

    const index = new SearchIndex(database);
    expect(index.count()).toBe(2);
    expect(index.search("zeppelin parser", { now: NOW }).map((result) => result.id)).toEqual(["s-old#0"]);
    expect(index.body("s-old#0")).toBe("the parser lives in src/zeppelin-parser.ts");
    expect(index.transcriptCount("app")).toBe(1);
    const vectors = () => database.prepare("SELECT count(*) AS total FROM search_vectors").get()?.total;
    expect(vectors()).toBe(1);
    // A row from before the manifest has no mtime, ctime or size: the next sync reads that file once.
    expect(new IndexState(database).known("app")).toEqual(
      new Map([["memory:user/tabs", { hash: "hash-of-tabs", mtimeMs: null, ctimeMs: null, size: null }]]),
    );
    expect(new EmbeddingHealth(database).down("fake/embed", NOW)?.reason).toBe("connection refused");

    // The adopted triggers still keep the full-text index in step, and drop a stale vector.
    index.upsert({
      id: "memory:user/tabs",
      kind: "memory",
      scope: "user",
      title: "tabs: tabs in shell scripts",
      body: "Prefer quokka tabs in shell scripts.",
      context: "preference",
      updatedAt: NOW,
    });
    expect(index.search("quokka", { now: NOW }).map((result) => result.id)).toEqual(["memory:user/tabs"]);
    expect(vectors()).toBe(0);

    const applied = appliedMigrations(database);
    database.close();
    const again = open(file);
    expect(appliedMigrations(again)).toEqual(applied);
    expect(new SearchIndex(again).count()).toBe(2);
  });

  it("ends with the same schema a fresh database gets", () => {
    const oldFile = path.join(root, "old.db");
    buildOldDatabase(oldFile);
    const upgraded = schemaOf(open(oldFile));
    const fresh = schemaOf(open(path.join(root, "fresh.db")));
    expect(upgraded).toEqual(fresh);
    expect(fresh.some((line) => line.startsWith("table search_documents:"))).toBe(true);
    expect(fresh.filter((line) => line.startsWith("trigger "))).toHaveLength(3);
  });
});
