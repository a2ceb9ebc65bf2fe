import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HashedEmbedder } from "../../../scripts/recall/hashed-embedder.ts";
import { FtsPostings } from "../../../src/memory/search/fts-postings.ts";
import { COLUMN_STRIDE, nearOccurrences } from "../../../src/memory/search/proximity.ts";
import { searchIndexMigrations } from "../../../src/memory/search/schema.ts";
import { SearchIndex } from "../../../src/memory/search/search-index.ts";
import { hasTimeExpression, temporalIntent } from "../../../src/memory/search/temporal.ts";
import type { SearchDocument } from "../../../src/memory/search/types.ts";
import { runMigrations } from "../../../src/session/database.ts";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);

let db: DatabaseSync;
beforeEach(() => {
  db = new DatabaseSync(":memory:");
  runMigrations(db, searchIndexMigrations);
});
afterEach(() => db.close());

function turn(
  id: string,
  speaker: string,
  body: string,
  extra: Partial<SearchDocument> = {},
): SearchDocument {
  return { id, kind: "transcript", scope: "session", title: speaker, body, updatedAt: NOW - DAY, ...extra };
}

describe("lexical ranking from FTS5's postings", () => {
  it("still counts a term that is in over half the documents (Lucene IDF, not FTS5's clamp)", () => {
    const index = new SearchIndex(db, { weights: { sessionIndexWeight: 0, recencyWeight: 0 } });
    // "caroline" is in 4 of 6 documents: FTS5's bm25() gives it a floor IDF, so both
    // hiking passages would tie; with Lucene's IDF Caroline's own passage wins.
    index.upsertMany([
      turn("a", "Melanie", "We went hiking in the hills."),
      turn("b", "Melanie", "Caroline went hiking in the hills last weekend."),
      turn("c", "Melanie", "Caroline is painting again."),
      turn("d", "Melanie", "Caroline called me."),
      turn("e", "Melanie", "Caroline baked bread."),
      turn("f", "Melanie", "The weather is nice."),
    ]);
    const results = index.search("Where did Caroline go hiking?", { limit: 3, now: NOW });
    expect(results[0]?.id).toBe("b");
    expect(results[0]!.coverage).toBeGreaterThan(results[1]!.coverage ?? 0);
  });

  it("lifts the passages of a session that is about the query as a whole", () => {
    const index = new SearchIndex(db, { weights: { sessionWeight: 0, recencyWeight: 0 } });
    index.upsertMany([
      turn("s1#1", "user", "the cache keeps stale entries", { sessionId: "s1" }),
      turn("s2#1", "user", "the cache keeps stale entries", { sessionId: "s2" }),
      turn("s2#2", "user", "redis eviction policy is allkeys-lru", { sessionId: "s2" }),
      turn("s2#3", "user", "redis memory limit reached", { sessionId: "s2" }),
      turn("s3#1", "user", "unrelated talk about lunch", { sessionId: "s3" }),
    ]);
    const ids = index.search("redis cache stale", { limit: 5, now: NOW }).map((result) => result.id);
    expect(ids.indexOf("s2#1")).toBeLessThan(ids.indexOf("s1#1"));
  });

  it("prefers a passage from the month the question names, and one that says when for a when question", () => {
    const index = new SearchIndex(db, {
      weights: { sessionIndexWeight: 0, sessionWeight: 0, recencyWeight: 0 },
    });
    index.upsertMany([
      turn("march", "Dana", "I moved the billing job to the new queue.", {
        updatedAt: Date.UTC(2026, 2, 10),
      }),
      turn("april", "Dana", "I moved the billing job to the new queue.", {
        updatedAt: Date.UTC(2026, 3, 10),
      }),
    ]);
    expect(index.search("What did Dana move in April?", { limit: 2, now: NOW })[0]?.id).toBe("april");
    expect(index.search("What did Dana move in March 2026?", { limit: 2, now: NOW })[0]?.id).toBe("march");

    const dated = new SearchIndex(db, {
      weights: { sessionIndexWeight: 0, sessionWeight: 0, recencyWeight: 0 },
    });
    dated.upsertMany([
      turn("plain", "Omar", "Omar fixed the flaky deploy script.", { updatedAt: NOW - DAY }),
      turn("when", "Omar", "Omar fixed the flaky deploy script last week.", { updatedAt: NOW - 2 * DAY }),
    ]);
    expect(dated.search("When did Omar fix the deploy script?", { limit: 2, now: NOW })[0]?.id).toBe("when");
  });

  it("reads dates and time expressions, and takes 'may' alone as the verb", () => {
    expect(temporalIntent("What happened on 7 May 2023?").periods).toEqual([
      { month: 4, day: 7, year: 2023 },
    ]);
    expect(temporalIntent("What did we ship in March?").periods).toEqual([{ month: 2 }]);
    expect(temporalIntent("may I ask what this does?").periods).toEqual([]);
    expect(temporalIntent("When did the build break?").asksWhen).toBe(true);
    expect(temporalIntent("Why did the build break?").asksWhen).toBe(false);
    expect(hasTimeExpression("we tried it two weeks ago")).toBe(true);
    expect(hasTimeExpression("we tried it")).toBe(false);
  });
});

function note(id: string, body: string, extra: Partial<SearchDocument> = {}): SearchDocument {
  return { id, kind: "memory", scope: "project", title: "note", body, updatedAt: NOW - DAY, ...extra };
}

// The same words, the same length: only their order differs. The far-apart one is
// newer, so it wins every tie; only proximity can put the adjacent one first.
const SAME_WORDS = [
  note("apart", "the connection to the staging box was refused after the deploy", { updatedAt: NOW - DAY }),
  note("adjacent", "after the deploy the staging box connection was refused to the", {
    updatedAt: NOW - 2 * DAY,
  }),
  note("filler", "lunch was late today and nobody minded at all really"),
];

describe("term proximity", () => {
  it("ranks the passage where the query's words stand together above one holding them far apart", () => {
    const index = new SearchIndex(db, { weights: { recencyWeight: 0 } });
    index.upsertMany(SAME_WORDS);
    const ids = index.search("connection refused", { limit: 2, now: NOW }).map((result) => result.id);
    expect(ids).toEqual(["adjacent", "apart"]);
  });

  it("leaves the order to the tie-break when proximity is off (the test above depends on it)", () => {
    const index = new SearchIndex(db, { weights: { recencyWeight: 0, proximityWeight: 0 } });
    index.upsertMany(SAME_WORDS);
    const ids = index.search("connection refused", { limit: 2, now: NOW }).map((result) => result.id);
    expect(ids).toEqual(["apart", "adjacent"]);
  });

  it("does not change coverage: nearness ranks, but matches no more of the query", () => {
    const index = new SearchIndex(db, { weights: { recencyWeight: 0 } });
    index.upsertMany(SAME_WORDS);
    const near = index.search("connection refused", { now: NOW });
    const plain = new SearchIndex(db, { weights: { recencyWeight: 0, proximityWeight: 0 } }).search(
      "connection refused",
      { now: NOW },
    );
    const coverage = (results: typeof near) =>
      Object.fromEntries(results.map((result) => [result.id, result.coverage]));
    expect(near.length).toBe(2);
    expect(coverage(near)).toEqual(coverage(plain));
  });

  it("reads each occurrence's position from FTS5, for title and body but not the neighbours' context", () => {
    const index = new SearchIndex(db);
    index.upsert(note("one", "deploy then deploy again", { title: "deploy", context: "deploy deploy" }));
    const [posting] = new FtsPostings(db).postings("deploi");
    expect(posting?.counts).toEqual([1, 2, 2]);
    expect(posting?.positions).toEqual([0, COLUMN_STRIDE, COLUMN_STRIDE + 2]);
  });

  it("counts near occurrences within the window and the same column only", () => {
    expect(nearOccurrences([1, 10], [3, 30], 4)).toBe(1);
    expect(nearOccurrences([1], [6], 4)).toBe(0);
    // Offset 1 of the title and offset 2 of the body are not neighbours.
    expect(nearOccurrences([1], [COLUMN_STRIDE + 2], 4)).toBe(0);
    expect(nearOccurrences([5, 7], [6], 4)).toBe(2);
  });
});

describe("the postings budget on a large index", () => {
  it("keeps the rarest words within the budget, counted from FTS5's vocabulary", () => {
    const documents = Array.from({ length: 12 }, (_, position) =>
      note(`common-${position}`, `the deploy script ran again, take ${position}`),
    );
    documents.push(note("rare", "the deploy script needs the vault token"));
    const roomy = new SearchIndex(db);
    roomy.upsertMany(documents);
    expect(roomy.search("deploy vault", { limit: 20, now: NOW })).toHaveLength(13);
    // 13 documents hold "deploy", 1 holds "vault": a budget of 5 keeps "vault" alone.
    const tight = new SearchIndex(db, { weights: { postingsBudget: 5 } });
    expect(tight.search("deploy vault", { limit: 20, now: NOW }).map((result) => result.id)).toEqual([
      "rare",
    ]);
    // A word no document holds costs nothing and is dropped, and the rest still fit.
    expect(tight.search("vault zeppelin", { limit: 20, now: NOW }).map((result) => result.id)).toEqual([
      "rare",
    ]);
  });
});

describe("fusion with a weak embedder", () => {
  it("keeps the lexical winner where the weak embedder alone would rank a wrong document first", async () => {
    const embedder = new HashedEmbedder();
    const index = new SearchIndex(db, { embedder, weights: { recencyWeight: 0 } });
    const documents = [
      memory("right", "postgres port", "Local Postgres listens on port 5433."),
      // Shares the question's filler words, not its subject: close in a bag of words.
      memory("wrong", "meeting habit", "What do we do? We do it in the room where we do it."),
      memory("other", "docker images", "Images are built with buildx."),
    ];
    index.upsertMany(documents);
    await index.embedPending();
    const question = "what port do we use for postgres";
    const vector = embedder.vector(question);
    // The embedder alone: the filler-heavy document is nearest.
    const texts = documents.map((document) => `${document.title}\n${document.body}`);
    const similarities = (await embedder.embed(texts)).map((documentVector) =>
      cosine(vector, documentVector),
    );
    expect(similarities[1]!).toBeGreaterThan(similarities[0]!);
    // Fused: the lexical match stays first.
    const fused = index.searchWithVector(question, vector, { limit: 3, now: NOW });
    expect(fused[0]?.id).toBe("right");
    expect(fused[0]!.similarity).toBeDefined();
  });
});

function memory(id: string, title: string, body: string): SearchDocument {
  return { id, kind: "memory", scope: "project", title, body, updatedAt: NOW - DAY };
}

function cosine(left: Float32Array, right: Float32Array): number {
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  for (let index = 0; index < left.length; index++) {
    dot += left[index]! * right[index]!;
    leftNorm += left[index]! ** 2;
    rightNorm += right[index]! ** 2;
  }
  return dot / Math.sqrt(leftNorm * rightNorm);
}
