import { filterClause } from "./document-rules.ts";
import { cosineSimilarity, decodeVector } from "./embedder.ts";
import type { StatementCache } from "./statement-cache.ts";
import type { SearchOptions } from "./types.ts";

/** How similar the query is to the documents it could recall, on the embedder's own scale. */
export interface SimilaritySpread {
  /** Sum of the similarities and of their squares, over `documents` documents. */
  sum: number;
  squares: number;
  documents: number;
}

/** A deviation below this is the embedder's rounding: two near-identical unrelated documents. */
const MIN_DEVIATION = 0.01;

/**
 * How many standard deviations the similarity stands above the other documents' (the
 * document itself left out, so a small index is not judged by its own outlier), or
 * undefined when no other document is there to compare with.
 */
export function deviationsAbove(spread: SimilaritySpread, similarity: number): number | undefined {
  const others = spread.documents - 1;
  if (others < 1) return undefined;
  const mean = (spread.sum - similarity) / others;
  const variance = (spread.squares - similarity * similarity) / others - mean * mean;
  return (similarity - mean) / Math.max(MIN_DEVIATION, Math.sqrt(Math.max(0, variance)));
}

/**
 * The query's cosine similarity to every document with a vector from this model (within
 * the search's filters), summarised so that deviationsAbove can place one result in it. Embedders differ in scale: a
 * hashed bag of words gives unrelated short texts 0.6, a sentence encoder 0.2, so a
 * fixed similarity cannot say "relevant"; standing far above this spread can.
 */
export function similaritySpread(
  statements: StatementCache,
  model: string,
  queryVector: Float32Array,
  options: SearchOptions,
): SimilaritySpread {
  const { clause, parameters } = filterClause(options);
  const rows = statements
    .get(
      `SELECT v.vector AS vector FROM search_vectors v JOIN search_documents d ON d.rowid = v.rowid WHERE v.model = ?${clause}`,
    )
    .all(model, ...parameters) as Array<{ vector: Uint8Array }>;
  let sum = 0;
  let squares = 0;
  for (const row of rows) {
    const similarity = cosineSimilarity(queryVector, decodeVector(row.vector));
    sum += similarity;
    squares += similarity * similarity;
  }
  return { sum, squares, documents: rows.length };
}
