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
 * Reciprocal rank fusion: uses only ranks, so BM25 scores and cosine similarities
 * need no common scale. k dampens the gap between the first few ranks.
 */
export function reciprocalRankFusion(k = 60): Fusion {
  return (lexical, semantic) => {
    const fused = new Map<number, number>();
    for (const ranking of [lexical, semantic]) {
      ranking.forEach((candidate, index) => {
        fused.set(candidate.rowid, (fused.get(candidate.rowid) ?? 0) + 1 / (k + index + 1));
      });
    }
    return fused;
  };
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
