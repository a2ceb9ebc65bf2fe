import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import { filterClause } from "./document-rules.ts";
import { FtsPostings, type IndexTotals, luceneIdf, type Posting } from "./fts-postings.ts";
import { weakWords } from "./pasted-words.ts";
import { proximityScore } from "./proximity.ts";
import { expansionsFor } from "./query-expansion.ts";
import type { Candidate, RankingWeights } from "./rerank.ts";
import { StatementCache } from "./statement-cache.ts";
import { FILLER_WORDS } from "./stopwords.ts";
import { hasTimeExpression, periodFit, temporalIntent } from "./temporal.ts";
import type { SearchKind, SearchOptions, SearchScope } from "./types.ts";
import { wordNeighbours } from "./word-neighbours.ts";

/** How many of the query's weightiest carrying words a full match is measured against (see coverage). */
const MAX_CARRYING = 2;
/** How many documents, per pool place (and at least), have their lengths read for an exact score. */
const LENGTH_READ_FACTOR = 20;
const MIN_LENGTH_READS = 2_000;
/**
 * Neighbours in meaning read at most this fraction of the postings budget: on 100,000 memories
 * the whole budget cost a fifth more CPU at p95 for them alone, a fifth costs nothing measurable,
 * and a LoCoMo conversation never reaches it (BENCHMARKS.md).
 */
const EXPANSION_BUDGET_SHARE = 5;

/** One stem of the query, with what it is worth. */
interface QueryStem {
  stem: string;
  /** Lucene's IDF: ln(1 + (N - n + 0.5) / (n + 0.5)), never below zero, so a common term still counts. */
  idf: number;
  /** False for a coding prompt's filler ("run", "please", "file"): it ranks but does not make a match. */
  carries: boolean;
  /** What its BM25 counts for: 1 for a carrying word, fillerWeight for filler, a fraction for a neighbour in meaning. */
  weight: number;
  /** A neighbour in meaning, not a word of the prompt. */
  expanded: boolean;
  postings: Posting[];
}

/** What the session and date lifts need, for every document that passed the filters. */
type LightRow = [rowid: number, sessionId: string | null, updatedAt: number];

interface DetailRow {
  rowid: number;
  id: string;
  kind: SearchKind;
  scope: SearchScope;
  project_key: string | null;
  title: string;
}

/** One matching document's query-term frequencies, before its length is known. */
interface Weighted {
  rowid: number;
  /** Column-weighted occurrences per query stem. */
  frequencies: Float64Array;
  bodyCounts: number[];
  /** Occurrence positions per carrying query stem, for the proximity score. */
  positions: Array<number[] | undefined>;
  rough: number;
}

interface Scored {
  rowid: number;
  score: number;
  coverage: number;
  /** Body occurrences per query stem (same order as the stems), for the session score. */
  bodyCounts: number[];
}

/**
 * Lexical candidates: BM25F (title, body and context weighted, lengths normalised)
 * computed from FTS5's postings, lifted by a session-level BM25 (a conversation that
 * dwells on the query's subject lifts its passages) and by what the query says about
 * time. Each candidate also carries its coverage: the share of the query's carrying
 * IDF it matched, which recall uses to stay silent on a poor match.
 */
export class LexicalRanking {
  private readonly postings: FtsPostings;
  private readonly weights: RankingWeights;
  private readonly statements: StatementCache;
  private sessionTotals: { forDocuments: number; sessions: number; passages: number } | undefined;

  constructor(db: DatabaseSync, weights: RankingWeights) {
    this.statements = new StatementCache(db);
    this.postings = new FtsPostings(db);
    this.weights = weights;
  }

  /** The candidates for the query's terms (from queryTerms), best first, at most candidatePool of them. */
  candidates(query: string, terms: string[], options: SearchOptions): Candidate[] {
    const totals = this.postings.totals();
    if (totals.documents === 0 || terms.length === 0) return [];
    const stems = this.queryStems(terms, totals, weakWords(query));
    const scored = this.scoreDocuments(stems, totals);
    if (scored.length === 0) return [];
    const pool = Math.max(1, Math.trunc(this.weights.candidatePool));
    const widest = Math.max(pool * 10, 1_000);
    scored.sort((left, right) => right.score - left.score);
    let rows = this.filtered(scored.slice(0, widest), options);
    // Filters (another project, excluded ids) may leave too few of the best: look at every match.
    if (rows.length < pool && scored.length > widest) rows = this.filtered(scored, options);
    const byRowid = new Map(scored.map((entry) => [entry.rowid, entry]));
    const sessionScores = this.sessionScores(rows, byRowid, stems);
    const bestTurn = Math.max(...rows.map(([rowid]) => byRowid.get(rowid)!.score), Number.MIN_VALUE);
    const bestSession = Math.max(...sessionScores.values(), Number.MIN_VALUE);
    const intent = temporalIntent(query);
    const lifted = rows.map(([rowid, sessionId, updatedAt]) => {
      const entry = byRowid.get(rowid)!;
      const session = sessionId === null ? 0 : (sessionScores.get(sessionId) ?? 0);
      const relevance = entry.score / bestTurn + (this.weights.sessionIndexWeight * session) / bestSession;
      const dateFit = periodFit(intent.periods, updatedAt);
      return {
        rowid,
        sessionId,
        updatedAt,
        coverage: entry.coverage,
        relevance: relevance * (1 + this.weights.namedDateWeight * dateFit),
      };
    });
    lifted.sort((left, right) => right.relevance - left.relevance);
    const kept = lifted.slice(0, pool);
    const details = this.details(kept.map((entry) => entry.rowid));
    const candidates = kept.flatMap((entry): Candidate[] => {
      const detail = details.get(entry.rowid);
      if (detail === undefined) return [];
      return [
        {
          rowid: entry.rowid,
          id: detail.id,
          kind: detail.kind,
          scope: detail.scope,
          projectKey: detail.project_key,
          sessionId: entry.sessionId,
          title: detail.title,
          updatedAt: entry.updatedAt,
          relevance: entry.relevance,
          coverage: entry.coverage,
        },
      ];
    });
    if (intent.asksWhen && this.weights.timeExpressionWeight > 0) this.liftTimeExpressions(candidates);
    return candidates.sort((left, right) => right.relevance - left.relevance);
  }

  /**
   * What reading each word's postings costs: the documents holding its stems, summed;
   * 0 when one of its stems is in none (the word cannot match, as in a MATCH phrase).
   */
  postingsCost(words: string[]): Map<string, number> {
    const stemsByWord = this.postings.stems(words);
    const frequencies = this.postings.documentFrequencies([...new Set([...stemsByWord.values()].flat())]);
    return new Map(
      words.map((word) => {
        const counts = (stemsByWord.get(word) ?? []).map((stem) => frequencies.get(stem) ?? 0);
        const cost =
          counts.length === 0 || counts.includes(0) ? 0 : counts.reduce((sum, count) => sum + count, 0);
        return [word, cost];
      }),
    );
  }

  private queryStems(terms: string[], totals: IndexTotals, weak: ReadonlySet<string>): QueryStem[] {
    const stemsByWord = this.postings.stems(terms);
    const byStem = new Map<string, QueryStem>();
    for (const word of terms) {
      const carries = !FILLER_WORDS.has(word) && !weak.has(word); // weak: a paste's paths (pasted-words.ts)
      for (const stem of stemsByWord.get(word) ?? []) {
        const existing = byStem.get(stem);
        if (existing !== undefined) {
          existing.carries ||= carries;
          continue;
        }
        const postings = this.postings.postings(stem);
        // A word no document holds weighs as much as the rarest one held, not more: its
        // exact IDF would be an artefact of the smoothing, and it only enters coverage.
        const n = Math.max(1, postings.length);
        const idf = luceneIdf(totals.documents, n);
        byStem.set(stem, { stem, idf, carries, weight: 1, expanded: false, postings });
      }
    }
    const own = [...byStem.values()];
    for (const stem of own) if (!stem.carries) stem.weight = this.weights.fillerWeight;
    return [...own, ...this.expansionStems(own, totals)];
  }

  /**
   * The prompt's words' neighbours in meaning (word-neighbours.ts), read through the same
   * postings: "children" also finds "kids", at a fraction of what "children" itself would
   * score and never with a larger IDF. They rank but carry nothing: coverage, proximity and
   * recall's silence gate see only the words the prompt said. Their postings get a fifth of
   * the budget that keeps a search on a large index cheap, nearest neighbours first.
   */
  private expansionStems(own: QueryStem[], totals: IndexTotals): QueryStem[] {
    const expansions = expansionsFor(own, wordNeighbours(), this.weights);
    if (expansions.length === 0) return [];
    const frequencies = this.postings.documentFrequencies(expansions.map((expansion) => expansion.stem));
    const stems: QueryStem[] = [];
    let postings = 0;
    for (const expansion of expansions) {
      const holding = frequencies.get(expansion.stem) ?? 0;
      if (holding === 0 || postings + holding > this.weights.postingsBudget / EXPANSION_BUDGET_SHARE)
        continue;
      postings += holding;
      stems.push({
        stem: expansion.stem,
        idf: Math.min(luceneIdf(totals.documents, holding), expansion.sourceIdf),
        carries: false,
        weight: expansion.weight,
        expanded: true,
        postings: this.postings.postings(expansion.stem),
      });
    }
    return stems;
  }

  private scoreDocuments(stems: QueryStem[], totals: IndexTotals): Scored[] {
    const columnWeights = [this.weights.titleWeight, this.weights.bodyWeight, this.weights.contextWeight];
    const averageLength =
      columnWeights.reduce((sum, weight, column) => sum + weight * totals.columnTokens[column]!, 0) /
      totals.documents;
    // The most the carrying words could score: each matched with a saturated frequency.
    // A word no document holds counts in full: "run ls please" is about ls, which nothing mentions.
    // Past the two weightiest words a question only describes more: a good match need not
    // hold every word of a long question, so the maximum counts only those (chosen on the
    // coding prompt set and LoCoMo 0-4; three cost LoCoMo more for no fewer false recalls).
    const carryingMaximum = stems
      .filter((stem) => stem.carries)
      .map((stem) => stem.idf * (this.weights.k1 + 1))
      .sort((left, right) => right - left)
      .slice(0, MAX_CARRYING)
      .reduce((sum, value) => sum + value, 0);
    const [titleWeight, bodyWeight, contextWeight] = columnWeights as [number, number, number];
    const idfs = stems.map((stem) => stem.idf);
    const { k1 } = this.weights;
    const weighted = new Map<number, Weighted>();
    stems.forEach((stem, index) => {
      const weight = stem.weight;
      for (const posting of stem.postings) {
        let entry = weighted.get(posting.rowid);
        if (entry === undefined) {
          entry = {
            rowid: posting.rowid,
            frequencies: new Float64Array(stems.length),
            bodyCounts: new Array(stems.length).fill(0),
            positions: new Array(stems.length),
            rough: 0,
          };
          weighted.set(posting.rowid, entry);
        }
        const [title, body, context] = posting.counts;
        const frequency = titleWeight * title + bodyWeight * body + contextWeight * context;
        entry.frequencies[index] = frequency;
        entry.bodyCounts[index] = body;
        if (stem.carries) entry.positions[index] = posting.positions;
        // BM25 as if the document were of average length, for the first cut below.
        entry.rough += (weight * stem.idf * frequency * (k1 + 1)) / (frequency + k1);
      }
    });
    // Reading a document's length is the costly part on a large index. Every matching
    // document is first scored as if of average length; only the best of those (far more
    // than the candidate pool) have their lengths read and their scores made exact.
    const pool = Math.max(1, Math.trunc(this.weights.candidatePool));
    const exact = Math.max(pool * LENGTH_READ_FACTOR, MIN_LENGTH_READS);
    let entries = [...weighted.values()];
    if (entries.length > exact)
      entries = entries.sort((left, right) => right.rough - left.rough).slice(0, exact);
    const rowids = entries.map((entry) => entry.rowid);
    const sizes = this.postings.documentSizes(rowids);
    const scored: Scored[] = [];
    for (const entry of entries) {
      const rowid = entry.rowid;
      const size = sizes.get(rowid) ?? [0, 0, 0];
      const length = columnWeights.reduce((sum, weight, column) => sum + weight * (size[column] ?? 0), 0);
      const norm = this.weights.k1 * (1 - this.weights.b + (this.weights.b * length) / (averageLength || 1));
      let score = 0;
      let carryingScore = 0;
      stems.forEach((stem, index) => {
        const frequency = entry.frequencies[index]!;
        if (frequency <= 0) return;
        const termScore = (stem.idf * frequency * (this.weights.k1 + 1)) / (frequency + norm);
        score += stem.weight * termScore;
        if (stem.carries) carryingScore += termScore;
      });
      // Nearness ranks, but is no word matched: coverage (silence) is left as it was.
      if (this.weights.proximityWeight > 0)
        score += this.weights.proximityWeight * proximityScore(entry.positions, idfs, k1);
      const coverage = carryingMaximum > 0 ? Math.min(1, carryingScore / carryingMaximum) : 0;
      scored.push({ rowid, score, coverage, bodyCounts: entry.bodyCounts });
    }
    return scored;
  }

  /**
   * BM25 over sessions as documents (a session's passages' bodies together): the
   * subject of a conversation shows in the whole of it better than in one line.
   * Lengths are counted in passages, which is cheap and close enough.
   */
  private sessionScores(rows: LightRow[], byRowid: Map<number, Scored>, stems: QueryStem[]) {
    const scores = new Map<string, number>();
    if (this.weights.sessionIndexWeight <= 0) return scores;
    const counts = new Map<string, number[]>();
    for (const [rowid, sessionId] of rows) {
      if (sessionId === null) continue;
      const total = counts.get(sessionId) ?? new Array(stems.length).fill(0);
      byRowid.get(rowid)!.bodyCounts.forEach((count, index) => {
        total[index] += count;
      });
      counts.set(sessionId, total);
    }
    if (counts.size === 0) return scores;
    const { sessions, passages } = this.sessionTotalsNow();
    const averagePassages = passages / Math.max(1, sessions);
    const lengths = this.sessionLengths([...counts.keys()]);
    const sessionIdf = stems.map((_, index) => {
      let holding = 0;
      for (const total of counts.values()) if (total[index]! > 0) holding++;
      return luceneIdf(sessions, holding);
    });
    // The prompt's own words count in full here, as they always did; a neighbour at its fraction.
    const sessionWeights = stems.map((stem) => (stem.expanded ? stem.weight : 1));
    for (const [session, total] of counts) {
      const norm =
        this.weights.k1 *
        (1 -
          this.weights.b +
          (this.weights.b * (lengths.get(session) ?? averagePassages)) / (averagePassages || 1));
      let score = 0;
      total.forEach((frequency, index) => {
        if (frequency > 0)
          score +=
            (sessionWeights[index]! * sessionIdf[index]! * frequency * (this.weights.k1 + 1)) /
            (frequency + norm);
      });
      scores.set(session, score);
    }
    return scores;
  }

  /** A "when" question is answered by a passage that says when. */
  private liftTimeExpressions(candidates: Candidate[]): void {
    const rows = this.statements
      .get("SELECT rowid, body FROM search_documents WHERE rowid IN (SELECT value FROM json_each(?))")
      .all(JSON.stringify(candidates.map((candidate) => candidate.rowid))) as Array<{
      rowid: number;
      body: string;
    }>;
    const dated = new Set(rows.filter((row) => hasTimeExpression(row.body)).map((row) => row.rowid));
    for (const candidate of candidates) {
      if (dated.has(candidate.rowid)) candidate.relevance *= 1 + this.weights.timeExpressionWeight;
    }
  }

  /** The scored documents that pass the search's filters, as arrays (many rows, few columns). */
  private filtered(scored: Scored[], options: SearchOptions): LightRow[] {
    const { clause, parameters } = filterClause(options);
    const values: SQLInputValue[] = [JSON.stringify(scored.map((entry) => entry.rowid)), ...parameters];
    return this.statements
      .get(
        `SELECT d.rowid, d.session_id, d.updated_at
       FROM search_documents d WHERE d.rowid IN (SELECT value FROM json_each(?))${clause}`,
        true,
      )
      .all(...values) as unknown as LightRow[];
  }

  private details(rowids: number[]): Map<number, DetailRow> {
    const rows = this.statements
      .get(
        `SELECT rowid, id, kind, scope, project_key, title FROM search_documents
       WHERE rowid IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(rowids)) as unknown as DetailRow[];
    return new Map(rows.map((row) => [row.rowid, row]));
  }

  private sessionLengths(sessions: string[]): Map<string, number> {
    const rows = this.statements
      .get(
        `SELECT session_id, count(*) AS passages FROM search_documents
       WHERE session_id IN (SELECT value FROM json_each(?)) GROUP BY session_id`,
      )
      .all(JSON.stringify(sessions)) as Array<{ session_id: string; passages: number }>;
    return new Map(rows.map((row) => [row.session_id, row.passages]));
  }

  /** Counted once per index size: the scan is cheap but not free on a large index. */
  private sessionTotalsNow(): { sessions: number; passages: number } {
    const documents = this.postings.totals().documents;
    if (this.sessionTotals?.forDocuments !== documents) {
      const row = this.statements
        .get(
          "SELECT count(DISTINCT session_id) AS sessions, count(session_id) AS passages FROM search_documents",
        )
        .get() as { sessions: number; passages: number };
      this.sessionTotals = { forDocuments: documents, ...row };
    }
    return this.sessionTotals;
  }
}
