import { DatabaseSync } from "node:sqlite";
import { afterAll, describe, expect, it } from "vitest";
import { codingMemories, memoryDocument } from "../../../scripts/recall/coding-set.ts";
import { meaningNearness } from "../../../src/memory/search/meaning-nearness.ts";
import { recallableResults, relevantResults } from "../../../src/memory/search/relevance.ts";
import { searchIndexMigrations } from "../../../src/memory/search/schema.ts";
import { SearchIndex } from "../../../src/memory/search/search-index.ts";
import { runMigrations } from "../../../src/session/database.ts";

// Meaning's second opinion on a one-word match (relevance.ts), on a real SQLite index of
// the 500 coding memories the silence bench uses, with prompts from its hand-labelled set.
const NOW = Date.UTC(2026, 10, 1);
const memories = codingMemories();
const ids = memories.map((memory) => memory.name);

describe("meaning's second opinion on a one-word match", () => {
  const db = new DatabaseSync(":memory:");
  runMigrations(db, searchIndexMigrations);
  const index = new SearchIndex(db);
  index.upsertMany(memories.map((memory) => memoryDocument(memory, "acme", NOW)));
  afterAll(() => db.close());
  const recall = (prompt: string) => {
    const results = index.search(prompt, { limit: 15, now: NOW, projectKey: "acme" });
    return { results, kept: recallableResults(index, prompt, results) };
  };

  it("lets a word only one memory holds lead when the rest of the prompt is near that memory", () => {
    for (const [prompt, name] of [
      ["what's the tmux shortcut to split a pane", "user-tmux"],
      ["my shader changes are not picked up", "spark-shaders"],
    ] as const) {
      const { results, kept } = recall(prompt);
      expect(kept[0]?.id, prompt).toBe(name);
      // Words alone would have stayed silent: the same evidence without meaning's say.
      const evidence = () => index.wordEvidence(prompt, ids);
      expect(relevantResults(results, { evidence, nearness: Number.POSITIVE_INFINITY }), prompt).toEqual([]);
    }
  });

  it("stays silent when the one word's memory is about something else than the rest of the prompt", () => {
    for (const prompt of [
      "list the files in this folder",
      "throw if the argument is negative",
      "write a regex that matches an email address",
      "explain what this regex does",
    ]) {
      const { results, kept } = recall(prompt);
      expect(results.length, prompt).toBeGreaterThan(0);
      expect(kept, prompt).toEqual([]);
    }
  });

  it("measures only the words the memory does not hold, and knows nothing of words the vectors lack", () => {
    const tmux = index.wordEvidence("what's the tmux shortcut to split a pane", ids).get("user-tmux")!;
    const list = index.wordEvidence("list the files in this folder", ids).get("user-correction-rm-rf")!;
    expect(tmux.nearness!()).toBeGreaterThan(list.nearness!()!);
    // Every carrying word held: nothing is left to measure.
    expect(index.wordEvidence("tmux", ids).get("user-tmux")!.nearness!()).toBeUndefined();
    expect(meaningNearness(["zzqx"], "tmux prefix key")).toBeUndefined();
    expect(meaningNearness(["split"], "split the window")).toBeGreaterThan(0.99);
    expect(meaningNearness(["split"], "a volcano erupted")).toBeLessThan(0.5);
  });
});
