import type { DatabaseSync } from "node:sqlite";
import { redactSecrets } from "../redaction.ts";
import { filterClause, validateDocument } from "./document-rules.ts";
import {
  cosineSimilarity,
  decodeVector,
  type Embedder,
  encodeVector,
  type Fusion,
  normalisedScoreFusion,
  type RankedCandidate,
} from "./embedder.ts";
import { spellOutJoinedWords } from "./joined-words.ts";
import { LexicalRanking } from "./lexical-ranking.ts";
import { buildMatchExpression, queryTerms } from "./query.ts";
import {
  type Candidate,
  DEFAULT_WEIGHTS,
  type DocumentRow,
  type RankedResult,
  type RankingWeights,
  toCandidate,
} from "./rerank.ts";
import { ResultOrder } from "./result-order.ts";
import { type SimilaritySpread, similaritySpread } from "./similarity-spread.ts";
import { StatementCache } from "./statement-cache.ts";
import type { SearchDocument, SearchOptions, SearchResult } from "./types.ts";
import { type WordEvidence, WordEvidenceReader } from "./word-evidence.ts";

export interface SearchIndexOptions {
  /** Only when an embedding model is configured; otherwise search is lexical. */
  embedder?: Embedder;
  /** How lexical and semantic rankings are merged (default normalisedScoreFusion(semanticWeight)). */
  fusion?: Fusion;
  /** The semantic side's weight in the default fusion, against 1 for the lexical side. */
  semanticWeight?: number;
  weights?: Partial<RankingWeights>;
  /**
   * Cosine similarity below which a document is not a semantic candidate. Every
   * document has some similarity to any query; without a floor, a prompt like "hi"
   * would recall the nearest few memories however unrelated they are.
   */
  minSimilarity?: number;
}

const DEFAULT_LIMIT = 8;
const DEFAULT_MIN_SIMILARITY = 0.2;
// Scaled by the lists' agreement (embedder.ts), chosen on LoCoMo 0-4 with the bench's weak
// hashed embedder (0.3 against 0.15): it never lowers recall on either half (BENCHMARKS.md).
const DEFAULT_SEMANTIC_WEIGHT = 0.3;
const EMBED_BATCH = 64;
// Control characters never appear in stored text we care about, so they can mark matches unambiguously.
const MARK_OPEN = "\u0001";
const MARK_CLOSE = "\u0002";

/**
 * The recall search engine: SQLite FTS5 (BM25, porter stemming) over memories and
 * transcript passages, reranked by recency, scope and session cohesion, with an
 * optional embedding seam. The caller owns the database; the search_* tables come from
 * searchIndexMigrations (schema.ts), applied when it opens, and only this class touches them.
 */
export class SearchIndex {
  readonly weights: RankingWeights;
  private readonly db: DatabaseSync;
  private readonly options: SearchIndexOptions;
  private readonly statements: StatementCache;
  private readonly lexical: LexicalRanking;
  private readonly order: ResultOrder;
  private evidence: WordEvidenceReader | undefined;

  constructor(db: DatabaseSync, options: SearchIndexOptions = {}) {
    this.db = db;
    this.statements = new StatementCache(db);
    this.options = options;
    this.weights = { ...DEFAULT_WEIGHTS, ...options.weights };
    this.lexical = new LexicalRanking(db, this.weights);
    this.order = new ResultOrder(db, this.weights);
  }

  upsert(document: SearchDocument): void {
    validateDocument(document);
    this.statements
      .get(
        `INSERT INTO search_documents (id, kind, scope, project_key, session_id, title, body, context, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, scope = excluded.scope,
         project_key = excluded.project_key, session_id = excluded.session_id,
         title = excluded.title, body = excluded.body, context = excluded.context,
         updated_at = excluded.updated_at`,
      )
      .run(
        document.id,
        document.kind,
        document.scope,
        document.projectKey ?? null,
        document.sessionId ?? null,
        // Every text column is redacted here, the one way in, whatever the caller did before.
        redactSecrets(document.title).text,
        redactSecrets(document.body).text,
        redactSecrets(document.context ?? "").text,
        Math.trunc(document.updatedAt),
      );
  }

  /** Loads many documents in one transaction: all of them, or none on error. */
  upsertMany(documents: Iterable<SearchDocument>): number {
    let count = 0;
    this.db.exec("BEGIN");
    try {
      for (const document of documents) {
        this.upsert(document);
        count++;
      }
      this.db.exec("COMMIT");
    } catch (error) {
      this.db.exec("ROLLBACK");
      throw error;
    }
    return count;
  }

  /** Returns true when a document was removed. */
  remove(id: string): boolean {
    return Number(this.statements.get("DELETE FROM search_documents WHERE id = ?").run(id).changes) > 0;
  }

  count(): number {
    const row = this.statements.get("SELECT count(*) AS total FROM search_documents").get() as {
      total: number;
    };
    return row.total;
  }

  /** How many past-session passages one project has indexed (`tacit memory reindex` reports it). */
  transcriptCount(projectKey: string): number {
    const row = this.statements
      .get("SELECT count(*) AS total FROM search_documents WHERE kind = 'transcript' AND project_key = ?")
      .get(projectKey) as { total: number };
    return row.total;
  }

  /** A document's whole stored (redacted) body; a search result carries only a snippet. */
  body(id: string): string | undefined {
    const row = this.statements.get("SELECT body FROM search_documents WHERE id = ?").get(id) as
      | { body: string }
      | undefined;
    return row?.body;
  }

  /** Which of the query's carrying words each document holds, for recall's relevance gate (relevance.ts). */
  wordEvidence(query: string, ids: string[]): Map<string, WordEvidence> {
    this.evidence ??= new WordEvidenceReader(this.db);
    return this.evidence.read(this.spelledOut(query), ids);
  }

  /** The query vector's similarity over the documents it could recall, for recall's gate; undefined without an embedder. */
  similaritySpread(queryVector: Float32Array, options: SearchOptions = {}): SimilaritySpread | undefined {
    const model = this.options.embedder?.model;
    return model === undefined ? undefined : similaritySpread(this.statements, model, queryVector, options);
  }

  /** Whether anything at all is indexed. */
  holdsDocuments(): boolean {
    return this.db.prepare("SELECT 1 AS found FROM search_documents LIMIT 1").get() !== undefined;
  }

  /** Lexical recall: BM25 over title, body and context, then recency, scope and session weights. */
  search(prompt: string, options: SearchOptions = {}): SearchResult[] {
    // A new home's first prompts have nothing to search: none of the query's analysis is needed.
    if (!this.holdsDocuments()) return [];
    const query = this.spelledOut(prompt);
    const terms = this.affordableTerms(queryTerms(query));
    const match = buildMatchExpression(terms);
    if (match === null) return [];
    const candidates = this.lexical.candidates(query, terms, options);
    return this.withSnippets(
      this.order.order(query, terms, candidates, options.limit ?? DEFAULT_LIMIT, options),
      match,
    );
  }

  /**
   * Hybrid recall: lexical and embedding rankings fused, then the same
   * reranking; without an embedder this is exactly search(). The caller embeds
   * the query (recall does it under its own deadline) and whatever document
   * vectors are stored by then are used, rather than waiting for every document.
   */
  searchWithVector(prompt: string, queryVector: Float32Array, options: SearchOptions = {}): SearchResult[] {
    const embedder = this.options.embedder;
    if (embedder === undefined || !this.holdsDocuments()) return this.search(prompt, options);
    const query = this.spelledOut(prompt);
    const terms = this.affordableTerms(queryTerms(query));
    const match = buildMatchExpression(terms);
    const lexical = match === null ? [] : this.lexical.candidates(query, terms, options);
    const semantic = this.semanticCandidates(queryVector, embedder.model, options);
    const fusion =
      this.options.fusion ?? normalisedScoreFusion(this.options.semanticWeight ?? DEFAULT_SEMANTIC_WEIGHT);
    const fused = fusion(
      lexical.map((candidate): RankedCandidate => ({ rowid: candidate.rowid, score: candidate.relevance })),
      semantic.map(
        (candidate): RankedCandidate => ({ rowid: candidate.rowid, score: candidate.similarity ?? 0 }),
      ),
    );
    const byRowid = new Map<number, Candidate>();
    for (const candidate of [...semantic, ...lexical]) {
      const previous = byRowid.get(candidate.rowid);
      byRowid.set(candidate.rowid, { ...candidate, ...previous, relevance: fused.get(candidate.rowid) ?? 0 });
    }
    return this.withSnippets(
      this.order.order(query, terms, [...byRowid.values()], options.limit ?? DEFAULT_LIMIT, options),
      match,
    );
  }

  /** How many documents still lack a vector for the configured model (0 without an embedder). */
  pendingCount(): number {
    const embedder = this.options.embedder;
    if (embedder === undefined) return 0;
    const row = this.statements
      .get(
        `SELECT count(*) AS total FROM search_documents d
       LEFT JOIN search_vectors v ON v.rowid = d.rowid AND v.model = ?
       WHERE v.rowid IS NULL`,
      )
      .get(embedder.model) as { total: number };
    return row.total;
  }

  /** Embeds every document without a vector for the configured model; returns how many. */
  async embedPending(options: { signal?: AbortSignal } = {}): Promise<number> {
    const embedder = this.options.embedder;
    if (embedder === undefined) return 0;
    const pending = this.statements.get(
      `SELECT d.rowid AS rowid, d.title AS title, d.body AS body FROM search_documents d
       LEFT JOIN search_vectors v ON v.rowid = d.rowid AND v.model = ?
       WHERE v.rowid IS NULL ORDER BY d.rowid LIMIT ${EMBED_BATCH}`,
    );
    const store = this.statements.get(
      "INSERT INTO search_vectors (rowid, model, vector) VALUES (?, ?, ?) ON CONFLICT(rowid) DO UPDATE SET model = excluded.model, vector = excluded.vector",
    );
    let total = 0;
    for (;;) {
      const rows = pending.all(embedder.model) as Array<{ rowid: number; title: string; body: string }>;
      if (rows.length === 0) return total;
      options.signal?.throwIfAborted();
      const vectors = await embedder.embed(
        rows.map((row) => `${row.title}\n${row.body}`),
        options.signal ? { signal: options.signal } : undefined,
      );
      // Stopped while the request was out (the database may be closing): store nothing.
      options.signal?.throwIfAborted();
      if (vectors.length !== rows.length) {
        throw new Error(
          `Embedder "${embedder.model}" returned ${vectors.length} vectors for ${rows.length} texts`,
        );
      }
      this.db.exec("BEGIN");
      try {
        rows.forEach((row, index) => {
          store.run(row.rowid, embedder.model, encodeVector(vectors[index]!));
        });
        this.db.exec("COMMIT");
      } catch (error) {
        this.db.exec("ROLLBACK");
        throw error;
      }
      total += rows.length;
    }
  }

  /** The prompt with its camelCase names spelled out where the index holds them only as words (joined-words.ts). */
  private spelledOut(prompt: string): string {
    const holds = this.statements.get("SELECT 1 AS found FROM search_fts WHERE search_fts MATCH ? LIMIT 1");
    return spellOutJoinedWords(prompt, {
      holds: (phrase) => holds.get(`"${phrase.replaceAll('"', '""')}"`) !== undefined,
    });
  }

  /**
   * On a large index, BM25 over an OR of very common words costs time in proportion to
   * every posting they have, while adding almost nothing to the ranking (their IDF is
   * near zero). Keeps the rarest terms within a postings budget; the rarest always stays.
   */
  private affordableTerms(terms: string[]): string[] {
    const budget = this.weights.postingsBudget;
    if (terms.length <= 1) return terms;
    const size = this.statements
      .get("SELECT coalesce(max(rowid), 0) AS size FROM search_documents")
      .get() as {
      size: number;
    };
    if (size.size <= budget) return terms;
    const costs = this.lexical.postingsCost(terms);
    const counted = terms
      .map((term, position) => ({ term, position, frequency: costs.get(term) ?? 0 }))
      .filter((entry) => entry.frequency > 0)
      .sort((left, right) => left.frequency - right.frequency);
    const kept: typeof counted = [];
    let postings = 0;
    for (const entry of counted) {
      if (kept.length > 0 && postings + entry.frequency > budget) break;
      kept.push(entry);
      postings += entry.frequency;
    }
    return kept.sort((left, right) => left.position - right.position).map((entry) => entry.term);
  }

  private semanticCandidates(queryVector: Float32Array, model: string, options: SearchOptions): Candidate[] {
    const { clause, parameters } = filterClause(options);
    const rows = this.statements
      .get(
        `SELECT d.rowid AS rowid, d.id AS id, d.kind AS kind, d.scope AS scope, d.project_key AS project_key,
         d.session_id AS session_id, d.title AS title, d.updated_at AS updated_at, v.vector AS vector
       FROM search_vectors v JOIN search_documents d ON d.rowid = v.rowid
       WHERE v.model = ?${clause}`,
      )
      .all(model, ...parameters) as unknown as Array<DocumentRow & { vector: Uint8Array }>;
    const floor = this.options.minSimilarity ?? DEFAULT_MIN_SIMILARITY;
    return rows
      .map((row) => {
        const similarity = cosineSimilarity(queryVector, decodeVector(row.vector));
        return { ...toCandidate(row, similarity), similarity };
      })
      .filter((candidate) => candidate.similarity >= floor)
      .sort((left, right) => right.relevance - left.relevance)
      .slice(0, this.weights.candidatePool);
  }

  /** Adds a snippet and the matched words to each result, for the user to see why it was recalled. */
  private withSnippets(ranked: RankedResult[], match: string | null): SearchResult[] {
    if (ranked.length === 0) return [];
    const details = new Map<number, { snippet: string; matched: string[] }>();
    if (match !== null) {
      const rows = this.statements
        .get(
          `SELECT rowid, snippet(search_fts, 1, '[', ']', '…', 24) AS snippet,
           highlight(search_fts, 0, '${MARK_OPEN}', '${MARK_CLOSE}') AS title_marks,
           highlight(search_fts, 1, '${MARK_OPEN}', '${MARK_CLOSE}') AS body_marks,
           highlight(search_fts, 2, '${MARK_OPEN}', '${MARK_CLOSE}') AS context_marks
         FROM search_fts WHERE search_fts MATCH ? AND rowid IN (SELECT value FROM json_each(?))`,
        )
        .all(match, JSON.stringify(ranked.map((result) => result.rowid))) as Array<{
        rowid: number;
        snippet: string;
        title_marks: string;
        body_marks: string;
        context_marks: string;
      }>;
      for (const row of rows) {
        details.set(row.rowid, {
          snippet: row.snippet,
          matched: markedWords(`${row.title_marks} ${row.body_marks} ${row.context_marks}`),
        });
      }
    }
    const missing = ranked.filter((result) => !details.has(result.rowid)).map((result) => result.rowid);
    if (missing.length > 0) {
      // Found by meaning alone: show the start of the body.
      const rows = this.statements
        .get(
          "SELECT rowid, substr(body, 1, 200) AS snippet FROM search_documents WHERE rowid IN (SELECT value FROM json_each(?))",
        )
        .all(JSON.stringify(missing)) as Array<{ rowid: number; snippet: string }>;
      for (const row of rows) details.set(row.rowid, { snippet: row.snippet, matched: [] });
    }
    return ranked.map(({ rowid, ...result }) => {
      const detail = details.get(rowid) ?? { snippet: "", matched: [] };
      const reasons =
        detail.matched.length > 0
          ? [`matched ${detail.matched.map((word) => `"${word}"`).join(", ")}`, ...result.reasons]
          : result.reasons;
      return { ...result, snippet: detail.snippet, reasons };
    });
  }
}

function markedWords(text: string): string[] {
  const words = new Set<string>();
  for (const match of text.matchAll(/\u0001([^\u0002]*)\u0002/g)) {
    words.add(match[1]!.toLowerCase());
    if (words.size >= 8) break;
  }
  return [...words];
}
