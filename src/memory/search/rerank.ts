import type { SearchKind, SearchResult, SearchScope } from "./types.ts";

/** The knobs of ranking. Defaults are general-purpose; callers may override any. */
export interface RankingWeights {
  /** BM25 column weights: a term in the title counts more than one in the body or context. */
  titleWeight: number;
  bodyWeight: number;
  contextWeight: number;
  /** BM25's term-frequency saturation and length normalisation. */
  k1: number;
  b: number;
  /** A coding prompt's filler words ("run", "fix", "file") rank at this fraction of their BM25. */
  fillerWeight: number;
  /** How many lexical (and semantic) candidates are reranked; the rest are never seen. */
  candidatePool: number;
  /**
   * On a large index, the most common query terms are dropped once the rarer ones
   * already match this many documents: see SearchIndex.affordableTerms.
   */
  postingsBudget: number;
  /** Recency multiplies the score by 1 + recencyWeight * 0.5^(ageDays / recencyHalfLifeDays). */
  recencyWeight: number;
  recencyHalfLifeDays: number;
  /** Project and local notes are about this work; user-wide habits and old transcripts a little less. */
  scopeWeights: Record<SearchScope, number>;
  /**
   * Passages from a session in which other candidates also matched are more likely
   * on topic: a conversation dwells on a subject for a while.
   */
  sessionWeight: number;
  /** How much a session's own BM25 (its passages together as one document) lifts its passages. */
  sessionIndexWeight: number;
  /** A document from the day (1) or month (0.5) the query names scores 1 + namedDateWeight × that. */
  namedDateWeight: number;
  /** In a "when" question, a passage that says when ("last week", "in 2022") scores 1 + this. */
  timeExpressionWeight: number;
  /** Query words that stand near each other in a passage add this times their pair's BM25 (proximity.ts). */
  proximityWeight: number;
  /** A prompt word's neighbours in meaning score this × similarity × their BM25 (query-expansion.ts). */
  expansionWeight: number;
  /** At most this many neighbours per prompt word. */
  expansionNeighbours: number;
  /** Neighbours whose word vectors are less similar than this are left out. */
  expansionFloor: number;
  /** A document whose title holds a name the prompt mentions scores 1 + this (named-titles.ts). */
  namedTitleWeight: number;
  /** A passage that asks something lends this × its relevance to the reply after it (answer-lift.ts). */
  answerWeight: number;
  /** How much the prompt's words' meaning reorders the reranked list (meaning-rerank.ts); 0 turns it off. */
  meaningWeight: number;
  /** How many of the reranked results meaning may reorder (the best of them are returned). */
  meaningPool: number;
}

export const DEFAULT_WEIGHTS: RankingWeights = {
  titleWeight: 3,
  bodyWeight: 1,
  contextWeight: 0.4,
  k1: 1.2,
  // Less length normalisation than BM25's usual 0.75: a long passage that tells a whole
  // story is not less about each of its subjects (chosen on LoCoMo 0-4: MRR up on both halves).
  b: 0.5,
  fillerWeight: 0.5,
  candidatePool: 100,
  // Ranking reads each kept term's postings in JS: 5,000 keeps a 100,000-memory search
  // near 13 ms of CPU (bench:memory-scale); smaller indexes never reach it.
  postingsBudget: 5_000,
  recencyWeight: 0.1,
  recencyHalfLifeDays: 30,
  scopeWeights: { project: 1, local: 1, user: 0.95, session: 0.9 },
  sessionWeight: 0.3,
  // Half what it was: at 0.3 one matching session crowded the top ten and questions whose
  // evidence spans sessions lost (multi-hop R@10 0.411 → 0.373); 0.15 keeps most of its gain.
  sessionIndexWeight: 0.15,
  namedDateWeight: 0.5,
  timeExpressionWeight: 0.2,
  // Chosen on LoCoMo 0-4 (0.3 against 0.6 and 1); the coding prompt set is unchanged by it.
  proximityWeight: 0.3,
  expansionWeight: 0.3,
  expansionNeighbours: 3,
  expansionFloor: 0.7,
  // Both chosen on LoCoMo 0-4 over 0.3-0.7 with the pool below (BENCHMARKS.md).
  namedTitleWeight: 0.5,
  answerWeight: 0.5,
  // Chosen on LoCoMo 0-4: 0.6 against 0.3 and 1 (scripts/recall align experiment, BENCHMARKS.md).
  meaningWeight: 0.6,
  // 30 recalled as well as 100 on LoCoMo 0-4 until names and replies were lifted after it; with them,
  // 50 (0-4 R@10 0.792 against 0.789 at 30), since a named speaker's passage may sit lower.
  meaningPool: 50,
};

/** A document that survived retrieval, before the final ordering. */
export interface Candidate {
  rowid: number;
  id: string;
  kind: SearchKind;
  scope: SearchScope;
  projectKey: string | null;
  sessionId: string | null;
  title: string;
  updatedAt: number;
  /** Retrieval relevance, higher is better, on any scale (BM25, or a fused score). */
  relevance: number;
  /** Cosine similarity to the query when an embedder took part. */
  similarity?: number;
  /** The share of the query's carrying IDF the document matched (lexical candidates only). */
  coverage?: number;
  /** Relevance lent by the question it replies to (answer-lift.ts), included in `relevance`. */
  lent?: number;
}

/** An indexed document's row as the candidate queries select it. */
export interface DocumentRow {
  rowid: number;
  id: string;
  kind: SearchKind;
  scope: SearchScope;
  project_key: string | null;
  session_id: string | null;
  title: string;
  updated_at: number;
}

export function toCandidate(row: DocumentRow, relevance: number): Candidate {
  return {
    rowid: row.rowid,
    id: row.id,
    kind: row.kind,
    scope: row.scope,
    projectKey: row.project_key,
    sessionId: row.session_id,
    title: row.title,
    updatedAt: row.updated_at,
    relevance,
  };
}

export interface RankedResult extends Omit<SearchResult, "snippet"> {
  rowid: number;
}

const DAY_MS = 86_400_000;

/**
 * Orders candidates by relevance (scaled to the best one), plus a bonus from
 * matching neighbours in the same session, times scope and recency weights.
 */
export function rerank(
  candidates: Candidate[],
  weights: RankingWeights,
  now: number,
  limit: number,
): RankedResult[] {
  if (candidates.length === 0) return [];
  const best = Math.max(...candidates.map((candidate) => candidate.relevance));
  const scale = best > 0 ? best : 1;
  const sessionTotals = new Map<string, { sum: number; count: number }>();
  for (const candidate of candidates) {
    if (candidate.sessionId === null) continue;
    const total = sessionTotals.get(candidate.sessionId) ?? { sum: 0, count: 0 };
    // What a reply was lent is its question's, already counted there: a session is not lifted twice.
    const own = candidate.relevance - (candidate.lent ?? 0);
    if (own <= 0) continue;
    total.sum += own / scale;
    total.count += 1;
    sessionTotals.set(candidate.sessionId, total);
  }
  const bestSession = Math.max(1, ...[...sessionTotals.values()].map((total) => total.sum));

  const scored = candidates.map((candidate) => {
    const relevance = candidate.relevance / scale;
    const reasons: string[] = [];
    let sessionBonus = 0;
    let sessionPeers = 0;
    const total = candidate.sessionId === null ? undefined : sessionTotals.get(candidate.sessionId);
    if (total !== undefined) {
      const own = (candidate.relevance - (candidate.lent ?? 0)) / scale;
      sessionPeers = total.count - (own > 0 ? 1 : 0);
      sessionBonus = (weights.sessionWeight * (total.sum - Math.max(0, own))) / bestSession;
    }
    const ageDays = Math.max(0, (now - candidate.updatedAt) / DAY_MS);
    const freshness = 0.5 ** (ageDays / weights.recencyHalfLifeDays);
    const scopeWeight = weights.scopeWeights[candidate.scope] ?? 1;
    const score = (relevance + sessionBonus) * scopeWeight * (1 + weights.recencyWeight * freshness);
    if (candidate.lent !== undefined) reasons.push("the reply to a matching question");
    if (candidate.similarity !== undefined)
      reasons.push(`similar in meaning (${candidate.similarity.toFixed(2)})`);
    if (sessionPeers > 0 && sessionBonus > 0.01) {
      reasons.push(`same session as ${sessionPeers} other match${sessionPeers === 1 ? "" : "es"}`);
    }
    reasons.push(`updated ${describeAge(ageDays)}`);
    reasons.push(`${candidate.scope} scope`);
    return { candidate, score, reasons };
  });

  // Ties (equal text, say) go to the newer document, then to the lower rowid for stable output.
  scored.sort(
    (left, right) =>
      right.score - left.score ||
      right.candidate.updatedAt - left.candidate.updatedAt ||
      left.candidate.rowid - right.candidate.rowid,
  );
  return scored.slice(0, limit).map(({ candidate, score, reasons }) => ({
    rowid: candidate.rowid,
    id: candidate.id,
    kind: candidate.kind,
    scope: candidate.scope,
    title: candidate.title,
    score,
    reasons,
    updatedAt: candidate.updatedAt,
    ...(candidate.projectKey !== null ? { projectKey: candidate.projectKey } : {}),
    ...(candidate.sessionId !== null ? { sessionId: candidate.sessionId } : {}),
    ...(candidate.coverage !== undefined ? { coverage: candidate.coverage } : {}),
    ...(candidate.similarity !== undefined ? { similarity: candidate.similarity } : {}),
  }));
}

function describeAge(ageDays: number): string {
  if (ageDays < 1) return "today";
  if (ageDays < 2) return "yesterday";
  if (ageDays < 60) return `${Math.floor(ageDays)} days ago`;
  if (ageDays < 730) return `${Math.floor(ageDays / 30)} months ago`;
  return `${Math.floor(ageDays / 365)} years ago`;
}
