import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spellOutJoinedWords } from "../../../src/memory/search/joined-words.ts";
import { recallableResults } from "../../../src/memory/search/relevance.ts";
import { searchIndexMigrations } from "../../../src/memory/search/schema.ts";
import { SearchIndex } from "../../../src/memory/search/search-index.ts";
import type { SearchDocument } from "../../../src/memory/search/types.ts";
import { runMigrations } from "../../../src/session/database.ts";

describe("spellOutJoinedWords", () => {
  const holding = (...phrases: string[]) => ({ holds: (phrase: string) => phrases.includes(phrase) });

  it("spells a camelCase name out as the words an index holds side by side", () => {
    const index = holding("Active Storage", "HTTP Server");
    expect(spellOutJoinedWords("ActiveStorage variant fails", index)).toBe("Active Storage variant fails");
    expect(spellOutJoinedWords("the HTTPServer died.", index)).toBe("the HTTP Server died.");
    expect(spellOutJoinedWords("why is ActiveStorage. slow (ActiveStorage)", index)).toBe(
      "why is Active Storage. slow (Active Storage)",
    );
  });

  it("keeps a name the index holds whole, or whose parts it never says together", () => {
    expect(spellOutJoinedWords("add a PrometheusRule", holding("PrometheusRule", "Prometheus Rule"))).toBe(
      "add a PrometheusRule",
    );
    expect(spellOutJoinedWords("TypeError: x is undefined", holding())).toBe("TypeError: x is undefined");
    expect(spellOutJoinedWords("plain words, ALLCAPS and fp16", holding("A L L C A P S"))).toBe(
      "plain words, ALLCAPS and fp16",
    );
  });

  it("keeps a name that is part of a path, a file name or a qualified name", () => {
    const index = holding("Product List", "Active Storage", "Out Of Memory Error");
    for (const text of [
      "ActiveStorage::Blob is missing",
      "torch.OutOfMemoryError: CUDA out of memory",
      "open ./ActiveStorage/readme",
    ])
      expect(spellOutJoinedWords(text, index)).toBe(text);
    // The frame's function is a word on its own (the whole frame line makes no match,
    // pasted-words.ts); its file name keeps its name.
    expect(spellOutJoinedWords("    at ProductList (src/components/ProductList.tsx:42:18)", index)).toBe(
      "    at Product List (src/components/ProductList.tsx:42:18)",
    );
  });

  it("asks about each name once however often the prompt repeats it", () => {
    const asked: string[] = [];
    const index = {
      holds: (phrase: string) => {
        asked.push(phrase);
        return phrase === "Account Store";
      },
    };
    expect(spellOutJoinedWords("AccountStore, the AccountStore interface", index)).toBe(
      "Account Store, the Account Store interface",
    );
    expect(asked).toEqual(["AccountStore", "Account Store"]);
  });
});

// A real SQLite index: a pasted Rails error names ActiveStorage, which the memory about it
// wrote as "Active Storage"; the other memories share the error's everyday words.
const NOW = Date.UTC(2026, 10, 1);
const MEMORIES: Array<[id: string, title: string, body: string]> = [
  [
    "quill-active-storage",
    "quill active storage: attachments",
    "Attachments use Active Storage on S3 with direct uploads; variants are processed by libvips, so libvips must be installed locally.",
  ],
  ["dates-library", "dates library: which date library", "Use date-fns; the library moment is banned."],
  [
    "admin-components",
    "admin components: component library",
    "The admin UI uses the Vuetify component library.",
  ],
  ["load-tests", "load tests: k6", "Load tests are k6 scripts in perf/; open the report after each run."],
  [
    "harbor-alerts",
    "harbor alerts: alert rules",
    "Alert rules are PrometheusRule objects in harbor/monitoring/rules.",
  ],
  ["typing", "typing: strict types", "Every error type is a subclass of AppError."],
];

describe("a camelCase name in a prompt, searched on a real index", () => {
  let db: DatabaseSync;
  let index: SearchIndex;
  beforeEach(() => {
    db = new DatabaseSync(":memory:");
    runMigrations(db, searchIndexMigrations);
    index = new SearchIndex(db);
    index.upsertMany(
      MEMORIES.map(
        ([id, title, body]): SearchDocument => ({
          id,
          kind: "memory",
          scope: "project",
          projectKey: "p",
          title,
          body,
          updatedAt: NOW,
        }),
      ),
    );
  });
  afterEach(() => db.close());

  it("finds and recalls the memory that wrote the name as words", () => {
    const prompt = "ActiveStorage variant fails: LoadError: Could not open library 'vips.so.42'";
    const results = index.search(prompt, { limit: 15, now: NOW, projectKey: "p" });
    expect(results[0]?.id).toBe("quill-active-storage");
    expect(results[0]?.reasons[0]).toContain('"active"');
    const kept = recallableResults(index, prompt, results);
    expect(kept[0]?.id).toBe("quill-active-storage");
    const evidence = index.wordEvidence(prompt, ["quill-active-storage"]).get("quill-active-storage");
    expect(evidence?.words).toBeGreaterThanOrEqual(3);
  });

  it("leaves a name the index holds whole as one word, and one whose parts no memory says together", () => {
    const held = index.search("add a PrometheusRule for the queue", { now: NOW, projectKey: "p" });
    expect(held[0]?.id).toBe("harbor-alerts");
    expect(index.wordEvidence("add a PrometheusRule", ["harbor-alerts"]).get("harbor-alerts")?.words).toBe(1);
    // "TypeError" is not "type" and "error": no memory says "type error", so "typing" is not matched on them.
    expect(index.search("TypeError: undefined is not a function", { now: NOW, projectKey: "p" })).toEqual([]);
  });
});
