import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { normalisedScoreFusion } from "../../../src/memory/search/embedder.ts";
import { expansionsFor } from "../../../src/memory/search/query-expansion.ts";
import { DEFAULT_WEIGHTS } from "../../../src/memory/search/rerank.ts";
import { searchIndexMigrations } from "../../../src/memory/search/schema.ts";
import { SearchIndex } from "../../../src/memory/search/search-index.ts";
import type { SearchDocument } from "../../../src/memory/search/types.ts";
import { parseNeighbourTable, wordNeighbours } from "../../../src/memory/search/word-neighbours.ts";
import { loadWordVectors, parseWordVectors, wordVectors } from "../../../src/memory/search/word-vectors.ts";
import { runMigrations } from "../../../src/session/database.ts";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);
const OFF = { expansionWeight: 0, meaningWeight: 0, sessionIndexWeight: 0, sessionWeight: 0 };
const ON = { sessionIndexWeight: 0, sessionWeight: 0 };

let db: DatabaseSync;
beforeEach(() => {
  db = new DatabaseSync(":memory:");
  runMigrations(db, searchIndexMigrations);
});
afterEach(() => db.close());

function turn(id: string, body: string, ageDays: number): SearchDocument {
  return { id, kind: "transcript", scope: "session", title: "Melanie", body, updatedAt: NOW - ageDays * DAY };
}

function cosine(left: string, right: string): number {
  const vectors = wordVectors()!;
  const [a, b] = [vectors.row(left)!, vectors.row(right)!];
  let dot = 0;
  for (let dimension = 0; dimension < vectors.dimensions; dimension++)
    dot +=
      vectors.bytes[a * vectors.dimensions + dimension]! * vectors.bytes[b * vectors.dimensions + dimension]!;
  return dot / (127 * 127);
}

describe("the committed word-meaning tables", () => {
  it("hold neighbours by porter stem, nearest first, above the build's floor", () => {
    const children = wordNeighbours().get("children");
    expect(children?.map((neighbour) => neighbour.stem)).toContain("kid");
    const similarities = children!.map((neighbour) => neighbour.similarity);
    expect(similarities).toEqual([...similarities].sort((left, right) => right - left));
    expect(Math.min(...similarities)).toBeGreaterThanOrEqual(0.6);
  });

  it("hold word vectors that put kids nearer children than a volcano", () => {
    const vectors = wordVectors();
    expect(vectors?.dimensions).toBe(100);
    expect(cosine("children", "kids")).toBeGreaterThan(0.6);
    expect(cosine("children", "volcano")).toBeLessThan(0.3);
    // A frequent word says less in a sentence than a rare one (SIF weights).
    expect(vectors!.weight(vectors!.row("people")!)).toBeLessThan(vectors!.weight(vectors!.row("volcano")!));
  });

  it("parse what the build writes and refuse a file that is not a table", () => {
    expect(parseNeighbourTable("kid\tchildren:0.76 parent:0.75\nbroken line\n\n").get("kid")).toEqual([
      { stem: "children", similarity: 0.76 },
      { stem: "parent", similarity: 0.75 },
    ]);
    const file = readFileSync(new URL("../../../src/memory/search/word-vectors.bin", import.meta.url));
    expect(() => parseWordVectors(Buffer.from("not a table at all"))).toThrow(/not a TWV2 table/);
    expect(() => parseWordVectors(file.subarray(0, file.length - 1))).toThrow(/sizes do not add up/);
    // A damaged or missing table (a broken install) leaves ranking lexical; recall does not fail.
    const folder = mkdtempSync(path.join(tmpdir(), "tacit-word-vectors-"));
    try {
      writeFileSync(path.join(folder, "damaged.bin"), file.subarray(0, 1000));
      expect(loadWordVectors(path.join(folder, "damaged.bin"))).toBeNull();
      expect(loadWordVectors(path.join(folder, "missing.bin"))).toBeNull();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("are sorted, so a word is found by binary search, and find every word they hold", () => {
    // Lookups halve the sorted files instead of building maps (word-neighbours.ts, word-vectors.ts):
    // one line out of order would hide the words around it.
    const tsv = readFileSync(
      new URL("../../../src/memory/search/word-neighbours.tsv", import.meta.url),
      "utf8",
    );
    const stems = tsv
      .split("\n")
      .filter(Boolean)
      .map((line) => line.slice(0, line.indexOf("\t")));
    expect(stems).toEqual([...stems].sort());
    const table = wordNeighbours();
    for (const stem of stems) expect(table.get(stem), stem).toBeDefined();
    expect(table.get("zzzznotaword")).toBeUndefined();
    expect(table.get("")).toBeUndefined();

    const file = readFileSync(new URL("../../../src/memory/search/word-vectors.bin", import.meta.url));
    const words = file.toString("utf8", 16, 16 + file.readUInt32LE(12)).split("\n");
    expect(words).toEqual([...words].sort());
    const vectors = wordVectors()!;
    words.forEach((word, row) => {
      expect(vectors.row(word), word).toBe(row);
    });
    for (const missing of ["", "a", "zzzz", "children ", "ünïcode"])
      expect(vectors.row(missing)).toBeUndefined();
  });

  it("find the first and last lines of a small table and nothing between", () => {
    const table = parseNeighbourTable("alpha\tbeta:0.9\nbroken\ngamma\tdelta:0.8\nomega\tzeta:0.7");
    expect(table.holdsAny).toBe(true);
    expect(table.get("alpha")).toEqual([{ stem: "beta", similarity: 0.9 }]);
    expect(table.get("omega")).toEqual([{ stem: "zeta", similarity: 0.7 }]);
    expect(table.get("broken")).toBeUndefined();
    expect(table.get("beta")).toBeUndefined();
    expect(parseNeighbourTable("").holdsAny).toBe(false);
  });
});

describe("query expansion", () => {
  it("reaches only from carrying words, skips what the prompt holds, and weighs less than the prompt", () => {
    const table = parseNeighbourTable("children\tkid:0.8 child:0.9 parent:0.65\nrun\tsprint:0.9\n");
    const settings = { expansionWeight: 0.3, expansionNeighbours: 3, expansionFloor: 0.7 };
    const expansions = expansionsFor(
      [
        { stem: "children", idf: 2, carries: true },
        { stem: "child", idf: 3, carries: true },
        { stem: "run", idf: 1, carries: false },
      ],
      table,
      settings,
    );
    expect(expansions).toEqual([{ stem: "kid", weight: 0.3 * 0.8, sourceIdf: 2 }]);
  });

  it("finds the passage that says kids for a question about children, in a real index", () => {
    const documents = [
      turn("kids", "They're tough kids, all three of them.", 3),
      turn("beach", "I went to the beach on Sunday.", 1),
      ...Array.from({ length: 20 }, (_, index) =>
        turn(`other-${index}`, `Painted landscape number ${index}.`, 2),
      ),
    ];
    const question = "How many children does Melanie have?";
    const lexical = new SearchIndex(db, { weights: OFF });
    lexical.upsertMany(documents);
    // Both passages match only "melanie"; without meaning the newer one wins the tie.
    expect(lexical.search(question, { now: NOW })[0]?.id).not.toBe("kids");
    const withMeaning = new SearchIndex(db, { weights: { ...ON, meaningWeight: 0 } });
    const expanded = withMeaning.search(question, { now: NOW });
    expect(expanded[0]?.id).toBe("kids");
    // The neighbour ranks but carries nothing: the silence gate's coverage is the prompt's words'.
    const before = lexical.search(question, { now: NOW, limit: 50 }).find((result) => result.id === "kids");
    expect(expanded[0]?.coverage).toBe(before?.coverage);
  });

  it("reorders by meaning alone, without the expansion, among passages BM25 ties", () => {
    const documents = [
      turn("car", "Sam bought a shiny car yesterday.", 1),
      turn("puppy", "Sam bought a playful puppy yesterday.", 2),
    ];
    const question = "Which dog did Sam buy?";
    const lexical = new SearchIndex(db, { weights: OFF });
    lexical.upsertMany(documents);
    expect(lexical.search(question, { now: NOW }).map((result) => result.id)).toEqual(["car", "puppy"]);
    const meaning = new SearchIndex(db, {
      weights: { ...OFF, meaningWeight: DEFAULT_WEIGHTS.meaningWeight },
    });
    expect(meaning.search(question, { now: NOW }).map((result) => result.id)).toEqual(["puppy", "car"]);
  });
});

describe("fusion by normalised scores", () => {
  const lexical = Array.from({ length: 10 }, (_, index) => ({ rowid: index + 1, score: 10 - index }));

  it("gives an embedder that disagrees with BM25's top ten no say", () => {
    const disagreeing = Array.from({ length: 10 }, (_, index) => ({
      rowid: 100 + index,
      score: 0.9 - index / 100,
    }));
    const fused = normalisedScoreFusion(1)(lexical, [...disagreeing, { rowid: 10, score: 0.95 }]);
    const order = [...fused.entries()].sort((left, right) => right[1] - left[1]).map(([rowid]) => rowid);
    expect(order.slice(0, 10)).toEqual(lexical.map((candidate) => candidate.rowid));
  });

  it("lets an embedder that agrees reorder BM25's close calls", () => {
    const agreeing = lexical.map((candidate) => ({
      rowid: candidate.rowid,
      score: 0.5 + candidate.rowid / 100,
    }));
    const fused = normalisedScoreFusion(1)(lexical, agreeing);
    expect(fused.get(10)!).toBeGreaterThan(fused.get(9)!);
  });
});
