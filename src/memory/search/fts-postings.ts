import type { DatabaseSync } from "node:sqlite";
import { COLUMN_STRIDE } from "./proximity.ts";
import { StatementCache } from "./statement-cache.ts";

/**
 * Reads FTS5's own index, so ranking can compute BM25 itself instead of calling
 * bm25(): FTS5 clamps IDF at a small positive number once a term is in half the
 * documents, which flattens the very terms a conversation repeats (a speaker's or
 * a project's name). Reading the postings also gives per-term, per-column counts,
 * which a session-level score and the "which terms carried the match" test need.
 *
 * Three sources, all maintained by FTS5 itself:
 *  - an fts5vocab "instance" table over search_fts: one row per term occurrence;
 *  - search_fts_docsize: each document's token count per column (varints);
 *  - the "averages" record (id 1 in search_fts_data): row count and token totals per column.
 * Query words are stemmed by FTS5 too (a scratch contentless table with the same
 * tokenizer), so a query term always meets the exact form the index holds.
 */

/** The columns of search_fts, in order; docsize and averages list them the same way. */
const FTS_COLUMNS = ["title", "body", "context"] as const;
type FtsColumn = (typeof FTS_COLUMNS)[number];

/** One document's occurrences of one stem, per column. */
export interface Posting {
  rowid: number;
  counts: [title: number, body: number, context: number];
  /** Where it occurs: column × COLUMN_STRIDE + token offset, ascending (proximity.ts). */
  positions: number[];
}

export interface IndexTotals {
  documents: number;
  /** Tokens per column over the whole index. */
  columnTokens: [number, number, number];
}

const TOKENIZER = `tokenize="porter unicode61 remove_diacritics 2"`;
// Stems are stable for a tokenizer; a long-running process sees the same words again and again.
const STEM_CACHE_LIMIT = 5_000;

export class FtsPostings {
  private readonly db: DatabaseSync;
  private readonly statements: StatementCache;
  private readonly stemCache = new Map<string, string[]>();
  private prepared = false;

  constructor(db: DatabaseSync) {
    this.db = db;
    this.statements = new StatementCache(db);
  }

  /** The stems FTS5 indexes for each word ("running" → ["run"], "caroline's" → ["carolin", "s"]). */
  stems(words: string[]): Map<string, string[]> {
    const result = new Map<string, string[]>();
    const unknown = words.filter((word) => {
      const cached = this.stemCache.get(word);
      if (cached !== undefined) result.set(word, cached);
      return cached === undefined;
    });
    if (unknown.length === 0) return result;
    this.prepare();
    const insert = this.statements.get("INSERT INTO temp.search_query_words(rowid, word) VALUES (?, ?)");
    unknown.forEach((word, index) => {
      insert.run(index + 1, word);
    });
    const rows = this.statements
      .get("SELECT doc, term FROM temp.search_query_word_stems ORDER BY doc, offset")
      .all() as Array<{ doc: number; term: string }>;
    this.db.exec("INSERT INTO temp.search_query_words(search_query_words) VALUES ('delete-all')");
    const byWord = new Map<string, string[]>(unknown.map((word) => [word, []]));
    for (const row of rows) byWord.get(unknown[row.doc - 1]!)?.push(row.term);
    if (this.stemCache.size + byWord.size > STEM_CACHE_LIMIT) this.stemCache.clear();
    for (const [word, stems] of byWord) {
      this.stemCache.set(word, stems);
      result.set(word, stems);
    }
    return result;
  }

  /**
   * How many documents hold each stem, counted by FTS5's row vocabulary in C: several
   * times cheaper than a MATCH count, which walks every matching row through the VM.
   */
  documentFrequencies(stems: string[]): Map<string, number> {
    this.prepare();
    const select = this.statements.get("SELECT doc FROM temp.search_fts_rows WHERE term = ?", true);
    const result = new Map<string, number>();
    for (const stem of stems) {
      const row = select.get(stem) as unknown as [number] | undefined;
      result.set(stem, row?.[0] ?? 0);
    }
    return result;
  }

  /** Every document holding the stem, with how often it occurs in each column. */
  postings(stem: string): Posting[] {
    this.prepare();
    // One row per occurrence, as arrays: counting in JS is several times faster than GROUP BY here.
    const rows = this.statements
      .get("SELECT doc, col, offset FROM temp.search_fts_instances WHERE term = ?", true)
      .all(stem) as unknown as Array<[number, FtsColumn, number]>;
    const byDocument = new Map<number, Posting>();
    for (const [doc, column, offset] of rows) {
      let posting = byDocument.get(doc);
      if (posting === undefined) {
        posting = { rowid: doc, counts: [0, 0, 0], positions: [] };
        byDocument.set(doc, posting);
      }
      const columnIndex = FTS_COLUMNS.indexOf(column);
      posting.counts[columnIndex as 0 | 1 | 2] += 1;
      if (columnIndex < 2) posting.positions.push(columnIndex * COLUMN_STRIDE + offset);
    }
    return [...byDocument.values()];
  }

  /** Token counts per column for each document asked about. */
  documentSizes(rowids: number[]): Map<number, number[]> {
    // Hex text, not BLOBs: a Uint8Array per row costs more than reading the row.
    const rows = this.statements
      .get("SELECT id, hex(sz) FROM search_fts_docsize WHERE id IN (SELECT value FROM json_each(?))", true)
      .all(JSON.stringify(rowids)) as unknown as Array<[number, string]>;
    return new Map(
      rows.map(([rowid, hex]) => [rowid, readVarints(Buffer.from(hex, "hex"), FTS_COLUMNS.length)]),
    );
  }

  totals(): IndexTotals {
    const row = this.statements.get("SELECT block FROM search_fts_data WHERE id = 1").get() as
      | { block: Uint8Array }
      | undefined;
    if (row === undefined) return { documents: 0, columnTokens: [0, 0, 0] };
    const [documents = 0, title = 0, body = 0, context = 0] = readVarints(row.block, 1 + FTS_COLUMNS.length);
    return { documents, columnTokens: [title, body, context] };
  }

  /**
   * Temporary objects, per connection: nothing is added to the database file, and a
   * database opened by an older tacit needs no migration.
   */
  private prepare(): void {
    if (this.prepared) return;
    this.db.exec(`
      CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_fts_instances USING fts5vocab(main, search_fts, instance);
      CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_fts_rows USING fts5vocab(main, search_fts, row);
      CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_query_words USING fts5(word, content='', ${TOKENIZER});
      CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_query_word_stems USING fts5vocab(temp, search_query_words, instance);
    `);
    this.prepared = true;
  }
}

/** SQLite's varint (FTS5 uses the same encoding): 7 bits a byte, high bit set means more follows. */
/**
 * Lucene's BM25 IDF of a term held by `holding` of `total` documents: never negative, so a term in
 * over half the documents (a speaker's or project's name) still counts, unlike FTS5's clamped IDF.
 */
export function luceneIdf(total: number, holding: number): number {
  return Math.log(1 + (total - holding + 0.5) / (holding + 0.5));
}

function readVarints(bytes: Uint8Array, count: number): number[] {
  const values: number[] = [];
  let position = 0;
  while (values.length < count && position < bytes.length) {
    let value = 0;
    for (let index = 0; index < 9 && position < bytes.length; index++) {
      const byte = bytes[position++]!;
      if (index === 8) {
        value = value * 256 + byte;
        break;
      }
      value = value * 128 + (byte & 0x7f);
      if ((byte & 0x80) === 0) break;
    }
    values.push(value);
  }
  while (values.length < count) values.push(0);
  return values;
}
