import type { DatabaseSync } from "node:sqlite";
import type { RankedResult } from "./rerank.ts";
import { StatementCache } from "./statement-cache.ts";
import { type WordVectors, wordVectors } from "./word-vectors.ts";

/**
 * What of a search document is read for its meaning, as SQL over search_documents: the
 * start of its body (a long memory's gist is near its top, and time is bounded) after the
 * start of its title (a memory's name and description; one stuffed with words is not read
 * whole). The rerank here and the gate's meaning-nearness (word-evidence.ts) read the same.
 */
export const MEANING_TEXT_SQL = "substr(title, 1, 300) || ' ' || substr(body, 1, 2000)";
const BYTE_SCALE = 127 * 127;

/**
 * Reorders lexical results by meaning, with no model: each prompt word is matched to the
 * passage word nearest it in meaning (the cosine of their word vectors, word-vectors.ts),
 * and those best matches are averaged, rare words weighing more (SIF weights). "How many
 * children does Melanie have?" meets "they're tough kids" through children ~ kids, which
 * BM25 cannot see. The lexical score stays the spine: the final score is the lexical one
 * over the best lexical one plus `weight` times the meaning score rescaled over the list's
 * own range (and by the share of the prompt's words the table knows), so meaning reorders
 * close calls and lifts a passage from lower in the list, and never brings in a passage
 * the lexical ranking did not find.
 */
export class MeaningRerank {
  private readonly statements: StatementCache;

  constructor(db: DatabaseSync) {
    this.statements = new StatementCache(db);
  }

  /** The best `limit` of `ranked` (best first, scores on any scale) after meaning has had its say. */
  reorder(queryWords: string[], ranked: RankedResult[], weight: number, limit: number): RankedResult[] {
    const vectors = weight > 0 && ranked.length > 1 ? wordVectors() : null;
    const query = vectors === null ? [] : queryRows(vectors, queryWords);
    if (vectors === null || query.length === 0) return ranked.slice(0, limit);
    // Meaning speaks for the words it knows: a prompt of identifiers and error names
    // ("Pundit::AuthorizationNotPerformedError in ArticlesController#index") is BM25's.
    const share = weight * (query.length / queryWords.length);
    const texts = this.texts(ranked.map((result) => result.rowid));
    const alignment = new WordAlignment(vectors, query);
    const meaning = ranked.map((result) => alignment.score(texts.get(result.rowid) ?? ""));
    const highest = Math.max(...meaning);
    const lowest = Math.min(...meaning);
    const best = ranked[0]!.score > 0 ? ranked[0]!.score : 1;
    return ranked
      .map((result, position) => {
        const rescaled = highest > lowest ? (meaning[position]! - lowest) / (highest - lowest) : 0;
        return { result, position, score: result.score / best + share * rescaled };
      })
      .sort((left, right) => right.score - left.score || left.position - right.position)
      .slice(0, limit)
      .map(({ result, score }) => ({ ...result, score: score * best }));
  }

  private texts(rowids: number[]): Map<number, string> {
    const rows = this.statements
      .get(
        `SELECT rowid, ${MEANING_TEXT_SQL} AS text FROM search_documents
       WHERE rowid IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(rowids)) as Array<{ rowid: number; text: string }>;
    return new Map(rows.map((row) => [row.rowid, row.text]));
  }
}

/** The prompt words the table knows, as rows; unknown words (names, identifiers) are BM25's alone. */
export function queryRows(vectors: WordVectors, words: string[]): number[] {
  return words.flatMap((word) => {
    const row = vectors.row(word);
    return row === undefined ? [] : [row];
  });
}

/** Weighted best-match similarity of a prompt to passages; word-pair cosines are cached for the query. */
export class WordAlignment {
  private readonly vectors: WordVectors;
  private readonly query: number[];
  private readonly totalWeight: number;
  private readonly cosines: Array<Map<number, number>>;

  constructor(vectors: WordVectors, query: number[]) {
    this.vectors = vectors;
    this.query = query;
    this.totalWeight = query.reduce((sum, row) => sum + vectors.weight(row), 0);
    this.cosines = query.map(() => new Map());
  }

  score(text: string): number {
    const rows = new Set<number>();
    for (const match of text.toLowerCase().matchAll(/[a-z]+/g)) {
      const row = this.vectors.row(match[0]);
      if (row !== undefined) rows.add(row);
    }
    if (rows.size === 0 || this.totalWeight <= 0) return 0;
    let total = 0;
    this.query.forEach((queryRow, index) => {
      let best = 0;
      for (const row of rows) best = Math.max(best, this.cosine(index, queryRow, row));
      total += this.vectors.weight(queryRow) * best;
    });
    return total / this.totalWeight;
  }

  private cosine(index: number, queryRow: number, row: number): number {
    const cache = this.cosines[index]!;
    const cached = cache.get(row);
    if (cached !== undefined) return cached;
    const { bytes, dimensions } = this.vectors;
    const left = queryRow * dimensions;
    const right = row * dimensions;
    let dot = 0;
    for (let dimension = 0; dimension < dimensions; dimension++)
      dot += bytes[left + dimension]! * bytes[right + dimension]!;
    const cosine = dot / BYTE_SCALE;
    cache.set(row, cosine);
    return cosine;
  }
}
