import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codingMemories, codingPrompts, memoryDocument } from "../../../scripts/recall/coding-set.ts";
import { HashedEmbedder } from "../../../scripts/recall/hashed-embedder.ts";
import { recallableResults, relevantResults } from "../../../src/memory/search/relevance.ts";
import { searchIndexMigrations } from "../../../src/memory/search/schema.ts";
import { SearchIndex } from "../../../src/memory/search/search-index.ts";
import { runMigrations } from "../../../src/session/database.ts";

// The gate on a real SQLite index of the 500 hand-written coding memories the silence
// bench uses (scripts/recall/coding-set/), where everyday words ("run", "time", "build")
// are held by many memories and a tool's name by one.
const NOW = Date.UTC(2026, 10, 1);
const memories = codingMemories();

function openIndex(embedder?: HashedEmbedder) {
  const db = new DatabaseSync(":memory:");
  runMigrations(db, searchIndexMigrations);
  const index = new SearchIndex(db, embedder ? { embedder } : {});
  index.upsertMany(memories.map((memory) => memoryDocument(memory, "acme", NOW)));
  return { db, index };
}

describe("recall's relevance gate on 500 coding memories", () => {
  const { db, index } = openIndex();
  afterAll(() => db.close());
  const recall = (prompt: string) => {
    const results = index.search(prompt, { limit: 15, now: NOW, projectKey: "acme" });
    return { results, kept: recallableResults(index, prompt, results) };
  };

  it('recalls nothing for "run ls please" or a prompt whose one word many memories hold, though search finds matches', () => {
    for (const prompt of ["run ls please", "what time is it", "run the build", "what branch am I on"]) {
      const { results, kept } = recall(prompt);
      expect(results.length, prompt).toBeGreaterThan(0);
      expect(kept, prompt).toEqual([]);
    }
  });

  it("recalls the memory a prompt names the subject of, first", () => {
    const cases: Array<[string, string]> = [
      ["what's my tmux prefix key", "user-tmux"],
      ["the outbox relay is leaking goroutines again", "ledger-goroutine-leak"],
      ["strong_migrations is blocking my add_column with a default", "quill-strong-migrations"],
    ];
    for (const [prompt, name] of cases) expect(recall(prompt).kept[0]?.id, prompt).toBe(name);
  });

  it("makes no match on a pasted error's paths, stack frames and quoted code, only on its message", () => {
    for (const prompt of [
      "TypeError: Cannot read properties of undefined (reading 'map')\n    at ProductList (src/components/ProductList.tsx:42:18)\n    at renderWithHooks (react-dom.development.js:16305:18)",
      "error[E0308]: mismatched types\n --> src/main.rs:12:20\n   |\n12 |     let n: u32 = input.trim();\n   |            ---   ^^^^^^^^^^^^ expected `u32`, found `&str`",
      "Traceback (most recent call last):\n  File \"main.py\", line 8, in <module>\n    print(totals[key])\nKeyError: 'march'",
    ]) {
      const { results, kept } = recall(prompt);
      expect(results.length, prompt).toBeGreaterThan(0);
      expect(kept, prompt).toEqual([]);
    }
    // The message still speaks: a memory about the error it names is recalled under its frames.
    const framed = recall(
      "TypeError: Intl.DisplayNames is not a constructor (on Android only)\n    at regionName (src/i18n/regions.ts:10:5)",
    );
    expect(framed.kept[0]?.id).toBe("pixel-hermes");
  });

  it("makes no match on decimal values, and keeps the numbers that name things", () => {
    const decimals = recall("why does 0.1 + 0.2 not equal 0.3");
    expect(decimals.results.length).toBeGreaterThan(0);
    expect(decimals.kept).toEqual([]);
    const oom = recall(
      "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.15 GiB of which 1.2 GiB is free.",
    );
    expect(oom.kept.slice(0, 3).map((result) => result.id)).toContain("nova-cuda-oom");
    const statement = recall('ERROR: prepared statement "stmtcache_1" already exists (SQLSTATE 42P05)');
    expect(statement.kept[0]?.id).toBe("ledger-pgx-pool");
  });

  it("counts a file name's words as one thing named", () => {
    // package-manager holds "package" (package-lock.json) and "json": one name, not two words.
    const ids = memories.map((memory) => memory.name);
    expect(index.wordEvidence("open package.json", ids).get("package-manager")?.words).toBe(1);
    expect(recall("open package.json").kept).toEqual([]);
    expect(recall("npm install added a package-lock.json").kept[0]?.id).toBe("package-manager");
    // A name held whole by one memory is as rare as that, however common its words (review).
    expect(
      index.wordEvidence("should I add a package-lock.json", ids).get("package-manager")?.fewestHolders,
    ).toBe(1);
    expect(recall("should I add a package-lock.json").kept[0]?.id).toBe("package-manager");
  });

  it("lets two words near both bars at once lead, on the index's own evidence", () => {
    const prompt = "the axe check failed on the icon button";
    const { results, kept } = recall(prompt);
    expect(kept[0]?.id).toBe("accessibility");
    // A bar at a time, the same evidence stays silent.
    const evidence = () =>
      index.wordEvidence(
        prompt,
        results.map((result) => result.id),
      );
    expect(relevantResults(results, { evidence, jointEvidence: 1 })).toEqual([]);
    expect(recall("write a regex for hex colours").kept).toEqual([]);
  });

  it("keeps a file's folder and type as evidence in a sentence", () => {
    expect(recall("I edited ios/Podfile and my change disappeared").kept[0]?.id).toBe("pixel-expo");
    expect(
      recall("I added a query to accounts.sql, regenerate the Go code")
        .kept.slice(0, 3)
        .map((result) => result.id),
    ).toContain("ledger-sqlc");
  });

  it("reads word evidence from the index: a tool's name is rare, an everyday word is not", () => {
    const ids = memories.map((memory) => memory.name);
    const tmux = index.wordEvidence("tmux", ids).get("user-tmux")!;
    expect(tmux).toEqual({
      words: 1,
      share: 1,
      fewestHolders: 1,
      fewestIdentifierHolders: Number.POSITIVE_INFINITY,
      promptWords: 1,
      nearness: expect.any(Function),
    });
    // Written with a digit, a word is an identifier: its holders are counted apart.
    const fp16 = index
      .wordEvidence("the loss goes to NaN after switching to fp16", ids)
      .get("nova-mixed-precision")!;
    expect(fp16.fewestIdentifierHolders).toBeLessThanOrEqual(3);
    const time = index.wordEvidence("time", ids).get("quill-time-zones")!;
    expect(time.words).toBe(1);
    expect(time.fewestHolders).toBeGreaterThan(10);
    expect(index.wordEvidence("ls", ids).get("user-tmux")).toEqual({
      words: 0,
      share: 0,
      fewestHolders: Number.POSITIVE_INFINITY,
      fewestIdentifierHolders: Number.POSITIVE_INFINITY,
      promptWords: 1,
    });
  });
});

describe("an embedder never makes recall answer a prompt the words leave alone", () => {
  let lexical: ReturnType<typeof openIndex>;
  let fused: ReturnType<typeof openIndex>;
  const embedder = new HashedEmbedder();
  beforeAll(async () => {
    lexical = openIndex();
    fused = openIndex(embedder);
    await fused.index.embedPending();
  });
  afterAll(() => {
    lexical.db.close();
    fused.db.close();
  });

  it("with a weak embedder, every labelled prompt that recalls nothing lexically recalls nothing fused", () => {
    const options = { limit: 15, now: NOW, projectKey: "acme" };
    let silent = 0;
    for (const prompt of codingPrompts(memories)) {
      const plain = lexical.index.search(prompt.text, options);
      if (recallableResults(lexical.index, prompt.text, plain).length > 0) continue;
      silent++;
      const vector = embedder.vector(prompt.text);
      const withMeaning = fused.index.searchWithVector(prompt.text, vector, options);
      const recalled = recallableResults(fused.index, prompt.text, withMeaning, {
        vector,
        searchOptions: options,
      });
      expect(recalled, prompt.text).toEqual([]);
    }
    expect(silent).toBeGreaterThan(100);
  });
});
