/**
 * The seam for semantic search. tacit works without any model: when no embedder
 * is configured, recall is lexical (BM25) plus recency and scope. When one is, its
 * vectors are stored beside the documents and fused with the lexical ranking.
 * The contract itself lives in core, so providers/ can build embedders too.
 */
export type { Embedder } from "../../core/embedder.ts";

/** A candidate in one ranking (lexical or semantic), best first. */
export interface RankedCandidate {
  rowid: number;
  /** The ranking's own score, higher is better (BM25 relevance, cosine similarity). */
  score: number;
}

/**
 * Merges a lexical and a semantic ranking into one score per document, higher is
 * better. Pluggable, because the right mix depends on the embedding model.
 */
export type Fusion = (lexical: RankedCandidate[], semantic: RankedCandidate[]) => Map<number, number>;

/**
 * Fuses by normalised scores: the lexical score over the best lexical score, plus
 * `weight` times the similarity rescaled over the semantic list's own range, that weight
 * scaled by how much the two lists' top tens agree (listAgreement, none below MIN_AGREEMENT). Unlike
 * equal-weight reciprocal rank fusion, a weak embedder's ranking cannot outvote
 * BM25: with weight w < 1 it reorders documents whose lexical scores are within w
 * of each other and brings in a document found by meaning alone only when the lexical
 * matches are poor.
 */
export function normalisedScoreFusion(weight: number): Fusion {
  return (lexical, semantic) => {
    const fused = new Map<number, number>();
    // The embedder speaks as loudly as its list agrees with the lexical one, and not at all
    // below MIN_AGREEMENT: a weak embedder's list, mostly other documents than BM25's best,
    // cannot pull a strong lexical hit down (BENCHMARKS.md, "Recall with word meaning").
    const agreement = listAgreement(lexical, semantic);
    const effective = agreement >= MIN_AGREEMENT ? weight * agreement : 0;
    const bestLexical = Math.max(0, ...lexical.map((candidate) => candidate.score));
    for (const candidate of lexical) {
      fused.set(candidate.rowid, bestLexical > 0 ? candidate.score / bestLexical : 0);
    }
    const similarities = semantic.map((candidate) => candidate.score);
    const highest = Math.max(...similarities);
    const lowest = Math.min(...similarities);
    for (const candidate of semantic) {
      const rescaled = highest > lowest ? (candidate.score - lowest) / (highest - lowest) : 1;
      fused.set(candidate.rowid, (fused.get(candidate.rowid) ?? 0) + effective * rescaled);
    }
    return fused;
  };
}

const AGREEMENT_DEPTH = 10;
/**
 * Below this share of BM25's top ten found in the embedder's top ten, the embedder has no say.
 * Chosen on LoCoMo 0-4 with the bench's weak hashed embedder: 0.5 and 0.7 keep recall exactly
 * lexical on both halves, 0.3 and no floor cost MRR.
 */
const MIN_AGREEMENT = 0.5;

/** The share of the lexical list's top ten that the semantic list's top ten also holds. */
function listAgreement(lexical: RankedCandidate[], semantic: RankedCandidate[]): number {
  const top = (list: RankedCandidate[]) =>
    [...list].sort((left, right) => right.score - left.score).slice(0, AGREEMENT_DEPTH);
  const lexicalTop = new Set(top(lexical).map((candidate) => candidate.rowid));
  if (lexicalTop.size === 0) return 1;
  return top(semantic).filter((candidate) => lexicalTop.has(candidate.rowid)).length / lexicalTop.size;
}

export function cosineSimilarity(left: Float32Array, right: Float32Array): number {
  const length = Math.min(left.length, right.length);
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  for (let index = 0; index < length; index++) {
    const a = left[index]!;
    const b = right[index]!;
    dot += a * b;
    leftNorm += a * a;
    rightNorm += b * b;
  }
  if (leftNorm === 0 || rightNorm === 0) return 0;
  return dot / Math.sqrt(leftNorm * rightNorm);
}

/** Stores a vector as little-endian float32 bytes (SQLite BLOB). */
export function encodeVector(vector: Float32Array): Uint8Array {
  const copy = new Float32Array(vector);
  return new Uint8Array(copy.buffer, copy.byteOffset, copy.byteLength);
}

export function decodeVector(blob: Uint8Array): Float32Array {
  // Copy into an aligned buffer: the BLOB's bytes may not start on a 4-byte boundary.
  const bytes = new Uint8Array(blob);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}
