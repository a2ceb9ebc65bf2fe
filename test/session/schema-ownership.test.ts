// Every table comes from a named migration in the module that owns it, and
// only that module's code names the table: the source is read as text.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const SOURCE = path.resolve(import.meta.dirname, "..", "..", "src");

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [path.relative(SOURCE, full)] : [];
  });
}

const files = sourceFiles(SOURCE).map((file) => ({
  file,
  text: readFileSync(path.join(SOURCE, file), "utf8"),
}));

/** Schema statements (a table, index, virtual table or trigger being created), not the word in prose. */
const CREATE_STATEMENT =
  /CREATE\s+(?:UNIQUE\s+)?(?:VIRTUAL\s+)?(?:TABLE|INDEX|TRIGGER)\s+(?:IF NOT EXISTS\s+)?[a-z_]+\s+(?:\(|ON\b|USING\b|AFTER\b|BEFORE\b)/;

/** Each memory module's tables, and the only files that may name them (session tables have everyday names). */
const OWNERS: Array<{ tables: RegExp; files: string[] }> = [
  {
    tables: /\bsearch_(?:documents|vectors|fts)\b/,
    // The index, the ranking that reads FTS5's own postings and sizes (and passages' words for their meaning,
    // and the reply after a matching question), and recall's gate (word frequencies, vector spread).
    files: [
      "memory/search/schema.ts",
      "memory/search/search-index.ts",
      "memory/search/fts-postings.ts",
      "memory/search/lexical-ranking.ts",
      "memory/search/meaning-rerank.ts",
      "memory/search/answer-lift.ts",
      "memory/search/similarity-spread.ts",
      "memory/search/word-evidence.ts",
    ],
  },
  // The memory index's rows are read (and their answer kept in memory_index_listing) by recent-entries.ts.
  {
    tables: /\bmemory_(?:index_state|folder_manifest|index_listing)\b/,
    files: ["memory/index-state.ts", "memory/recent-entries.ts"],
  },
  { tables: /\bmemory_embedding_health\b/, files: ["memory/embedding-health.ts"] },
  { tables: /\breflection_runs\b/, files: ["session/reflection-ledger.ts"] },
  { tables: /\blearned_transcripts\b/, files: ["session/transcripts/import-ledger.ts"] },
  { tables: /\bagent_file_records\b/, files: ["session/agent-file-records.ts"] },
  { tables: /\bmemory_recalls\b/, files: ["session/recall-log.ts"] },
  { tables: /\bcheckpoint_(?:files|shell)\b/, files: ["session/checkpoint-records.ts"] },
  // Set aside by a conversation rewind; the store counts them so sequence numbers are never reused.
  {
    tables: /\brewound_messages\b/,
    files: ["session/session-schema.ts", "session/conversation-rewind.ts", "session/store.ts"],
  },
];

describe("the database schema", () => {
  it("is created only in migration files", () => {
    const creating = files.filter(({ text }) => CREATE_STATEMENT.test(text)).map(({ file }) => file);
    expect(creating.sort()).toEqual([
      "memory/embedding-health.ts",
      "memory/index-state.ts",
      "memory/search/schema.ts",
      "session/agent-file-records.ts",
      "session/checkpoint-records.ts",
      "session/database.ts", // the migrations bookkeeping table itself
      "session/recall-log.ts",
      "session/reflection-ledger.ts",
      "session/session-schema.ts",
      "session/transcripts/import-ledger.ts",
    ]);
    for (const file of creating.filter((each) => each !== "session/database.ts")) {
      const text = files.find((each) => each.file === file)?.text ?? "";
      expect(text, `${file} brings its tables as migrations`).toMatch(/: (?:readonly )?Migration\[\] = \[/);
    }
  });

  it("names each table only in the module that owns it", () => {
    for (const owner of OWNERS) {
      const naming = files.filter(({ text }) => owner.tables.test(text)).map(({ file }) => file);
      expect(naming.sort(), String(owner.tables)).toEqual([...owner.files].sort());
    }
  });
});
