/**
 * Term proximity (the ordered/unordered window features of Metzler and Croft's
 * sequential dependence model, in BM25 form): a passage where two of the query's
 * words stand next to each other ("mental health", "connection refused", "pride
 * parade") is more likely about the query's subject than one that holds the same
 * words far apart. Scored per pair of query stems as if the pair were one more term.
 */

/** Two occurrences at most this many tokens apart, in the same column, count as near. */
const PROXIMITY_WINDOW = 4;
/** Columns are packed into one position number: column × this + offset within the column. */
export const COLUMN_STRIDE = 1 << 24;

/**
 * How many occurrences of the first stem have the second within the window.
 * Both lists sorted ascending (FTS5 returns occurrences in offset order per column).
 */
export function nearOccurrences(first: readonly number[], second: readonly number[], window: number): number {
  let count = 0;
  let start = 0;
  for (const position of first) {
    while (start < second.length && second[start]! < position - window) start++;
    const candidate = second[start];
    if (candidate === undefined) break;
    if (
      candidate <= position + window &&
      Math.floor(candidate / COLUMN_STRIDE) === Math.floor(position / COLUMN_STRIDE) &&
      candidate !== position
    )
      count++;
  }
  return count;
}

/**
 * The proximity score of one document: for every pair of query stems it holds, the pair's
 * near occurrences saturated like a term frequency (k1) and weighted by the commoner
 * stem's IDF (a pair is as telling as its commoner word).
 */
export function proximityScore(
  positions: ReadonlyArray<readonly number[] | undefined>,
  idfs: readonly number[],
  k1: number,
): number {
  let score = 0;
  for (let left = 0; left < positions.length; left++) {
    const first = positions[left];
    if (first === undefined || first.length === 0) continue;
    for (let right = left + 1; right < positions.length; right++) {
      const second = positions[right];
      if (second === undefined || second.length === 0) continue;
      const near = nearOccurrences(first, second, PROXIMITY_WINDOW);
      if (near === 0) continue;
      score += (Math.min(idfs[left]!, idfs[right]!) * near * (k1 + 1)) / (near + k1);
    }
  }
  return score;
}
