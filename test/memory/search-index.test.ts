import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Embedder } from "../../src/memory/search/embedder.ts";
import { buildMatchExpression, queryTerms } from "../../src/memory/search/query.ts";
import { SearchIndex } from "../../src/memory/search/search-index.ts";
import type { SearchDocument } from "../../src/memory/search/types.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { appliedMigrations } from "../../src/session/database.ts";

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 1);

let directory: string;
let db: DatabaseSync;

beforeEach(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), "tacit-search-"));
  db = openTacitDatabase(path.join(directory, "tacit.db"));
});

afterEach(async () => {
  db.close();
  await rm(directory, { recursive: true, force: true });
});

function memory(
  id: string,
  title: string,
  body: string,
  extra: Partial<SearchDocument> = {},
): SearchDocument {
  return {
    id,
    kind: "memory",
    scope: "project",
    projectKey: "acme",
    title,
    body,
    updatedAt: NOW - DAY,
    ...extra,
  };
}

const FILLER_TOPICS = [
  "lunch menu",
  "holiday calendar",
  "office plants",
  "parking rules",
  "coffee machine",
  "team offsite",
  "printer queue",
  "desk booking",
];

function fillerDocuments(count: number): SearchDocument[] {
  return Array.from({ length: count }, (_, index) =>
    memory(
      `filler-${index}`,
      `Note ${index} about the ${FILLER_TOPICS[index % FILLER_TOPICS.length]}`,
      `Remember the ${FILLER_TOPICS[(index * 3) % FILLER_TOPICS.length]} changes on day ${index % 28}. Also the build runs on Mondays.`,
      { updatedAt: NOW - (index % 90) * DAY },
    ),
  );
}

describe("schema", () => {
  it("comes from its migration, applied once, and keeps data across reopening", () => {
    const index = new SearchIndex(db);
    index.upsert(memory("a", "Use pnpm", "The user installs packages with pnpm."));
    db.close();
    db = openTacitDatabase(path.join(directory, "tacit.db"));
    expect(appliedMigrations(db).filter((id) => id.startsWith("search-"))).toEqual([
      "search-001-documents-fts-vectors",
    ]);
    const again = new SearchIndex(db);
    expect(again.count()).toBe(1);
    expect(again.search("pnpm", { now: NOW }).map((result) => result.id)).toEqual(["a"]);
  });

  it("survives closing and reopening the database file", () => {
    new SearchIndex(db).upsert(memory("a", "Postgres gotcha", "Migrations need Postgres 14 or newer."));
    db.close();
    db = openTacitDatabase(path.join(directory, "tacit.db"));
    expect(new SearchIndex(db).search("postgres migrations", { now: NOW })[0]?.id).toBe("a");
  });
});

describe("upsert, update, remove", () => {
  it("updates a document in place and re-indexes its text", () => {
    const index = new SearchIndex(db);
    index.upsert(memory("a", "Test runner", "We use jest for unit tests."));
    expect(index.search("jest", { now: NOW })).toHaveLength(1);
    index.upsert(memory("a", "Test runner", "We moved to vitest for unit tests."));
    expect(index.count()).toBe(1);
    expect(index.search("jest", { now: NOW })).toEqual([]);
    expect(index.search("vitest", { now: NOW })[0]?.id).toBe("a");
  });

  it("says whether it holds anything, so recall in a new home skips the search", () => {
    const index = new SearchIndex(db);
    expect(index.holdsDocuments()).toBe(false);
    index.upsert(memory("a", "Deploy", "Deploy with the release script."));
    expect(index.holdsDocuments()).toBe(true);
    index.remove("a");
    expect(index.holdsDocuments()).toBe(false);
  });

  it("removes documents from the index", () => {
    const index = new SearchIndex(db);
    index.upsertMany([
      memory("a", "Deploy", "Deploy with the release script."),
      memory("b", "Lint", "Lint with biome."),
    ]);
    expect(index.remove("a")).toBe(true);
    expect(index.remove("a")).toBe(false);
    expect(index.search("deploy release", { now: NOW })).toEqual([]);
    expect(index.count()).toBe(1);
  });

  it("loads nothing when one document of a batch is invalid", () => {
    const index = new SearchIndex(db);
    const bad = { ...memory("b", "x", "y"), scope: "galaxy" } as unknown as SearchDocument;
    expect(() => index.upsertMany([memory("a", "Fine", "fine"), bad])).toThrow(/unknown scope "galaxy"/);
    expect(index.count()).toBe(0);
  });
});

describe("queries", () => {
  it("never throws on FTS5 syntax in a prompt", () => {
    const index = new SearchIndex(db);
    index.upsert(memory("a", "foo bar", "The foo module calls bar."));
    const hostile = [
      'fix "foo" AND bar*',
      "NEAR(foo bar) OR NOT",
      "title:foo body:bar",
      "(((unbalanced",
      '"',
      "*",
      "^foo",
      "foo AND",
      "- + : ; ' \" ` {} [] \\",
      "SELECT * FROM search_fts; --",
      "🙂 naïve café",
      "",
      "   ",
    ];
    for (const query of hostile) {
      expect(() => index.search(query, { now: NOW }), query).not.toThrow();
    }
    expect(index.search('fix "foo" AND bar*', { now: NOW })[0]?.id).toBe("a");
  });

  it("drops stopwords and quotes every term", () => {
    expect(queryTerms("What is the best way to fix the build?")).toEqual(["best", "way", "fix", "build"]);
    expect(buildMatchExpression(["and", "near"])).toBe('"and" OR "near"');
    expect(buildMatchExpression(queryTerms("is it the"))).toBeNull();
  });

  it("ranks the on-topic document first among 200", () => {
    const index = new SearchIndex(db);
    index.upsertMany(fillerDocuments(199));
    index.upsert(
      memory(
        "target",
        "Flaky websocket reconnect test",
        "The websocket reconnect test flakes when the server port is reused; wait for close.",
      ),
    );
    const results = index.search("why is the websocket reconnect test flaky?", { now: NOW, limit: 5 });
    expect(results[0]?.id).toBe("target");
    expect(results[0]?.snippet).toContain("[websocket]");
  });

  it("matches word forms through stemming", () => {
    const index = new SearchIndex(db);
    index.upsertMany([
      memory("a", "Caching", "The API caches responses for ten minutes."),
      ...fillerDocuments(20),
    ]);
    expect(index.search("cached response", { now: NOW })[0]?.id).toBe("a");
  });
});

describe("filters", () => {
  function seeded(): SearchIndex {
    const index = new SearchIndex(db);
    index.upsertMany([
      memory("user-pref", "Prefers tabs", "Indent with tabs everywhere.", {
        scope: "user",
        projectKey: undefined,
      }),
      memory("acme-note", "Tabs in acme", "Acme indents with tabs in Makefiles.", { projectKey: "acme" }),
      memory("other-note", "Tabs in other", "Other project indents with tabs too.", { projectKey: "other" }),
      {
        id: "session-1#4",
        kind: "transcript",
        scope: "session",
        projectKey: "acme",
        sessionId: "session-1",
        title: "user",
        body: "can you convert the tabs to spaces",
        updatedAt: NOW - 2 * DAY,
      },
    ]);
    return index;
  }

  it("filters by kind and scope", () => {
    const index = seeded();
    const ids = (options: Parameters<SearchIndex["search"]>[1]) =>
      index
        .search("tabs", { now: NOW, ...options })
        .map((result) => result.id)
        .sort();
    expect(ids({ kinds: ["transcript"] })).toEqual(["session-1#4"]);
    expect(ids({ scopes: ["user"] })).toEqual(["user-pref"]);
    expect(ids({ kinds: ["memory"], scopes: ["project"] })).toEqual(["acme-note", "other-note"]);
  });

  it("keeps user-wide documents when filtering by project", () => {
    const ids = seeded()
      .search("tabs", { now: NOW, projectKey: "acme" })
      .map((result) => result.id)
      .sort();
    expect(ids).toEqual(["acme-note", "session-1#4", "user-pref"]);
  });

  it("leaves out excluded ids", () => {
    const ids = seeded()
      .search("tabs", { now: NOW, excludeIds: ["acme-note", "user-pref"] })
      .map((result) => result.id);
    expect(ids).not.toContain("acme-note");
    expect(ids).not.toContain("user-pref");
    expect(ids).toContain("other-note");
  });

  it("finds filtered documents that rank below many unfiltered ones", () => {
    const index = new SearchIndex(db, { weights: { candidatePool: 5 } });
    index.upsertMany(
      Array.from({ length: 60 }, (_, number) =>
        memory(`noise-${number}`, "deploy deploy", "deploy the deploy script deploy", {
          projectKey: "other",
        }),
      ),
    );
    index.upsert(memory("wanted", "notes", "we deploy on fridays", { projectKey: "acme" }));
    expect(index.search("deploy", { now: NOW, projectKey: "acme" }).map((result) => result.id)).toEqual([
      "wanted",
    ]);
  });
});

describe("ranking signals", () => {
  it("breaks a tie in favour of the more recent document", () => {
    const index = new SearchIndex(db);
    index.upsertMany([
      memory("old", "Release checklist", "Bump the version and tag.", { updatedAt: NOW - 300 * DAY }),
      memory("new", "Release checklist", "Bump the version and tag.", { updatedAt: NOW - 2 * DAY }),
    ]);
    const results = index.search("release checklist", { now: NOW });
    expect(results.map((result) => result.id)).toEqual(["new", "old"]);
    expect(results[0]!.score).toBeGreaterThan(results[1]!.score);
  });

  it("weights scopes", () => {
    const index = new SearchIndex(db, {
      weights: { scopeWeights: { project: 1, local: 1, user: 1, session: 0.5 } },
    });
    index.upsertMany([
      memory("from-session", "Retry policy", "Retry three times with backoff.", {
        scope: "session",
        kind: "transcript",
      }),
      memory("from-project", "Retry policy", "Retry three times with backoff."),
    ]);
    expect(index.search("retry backoff", { now: NOW })[0]?.id).toBe("from-project");
  });

  it("explains each result", () => {
    const index = new SearchIndex(db);
    index.upsertMany([
      memory("a", "Docker cache", "Rebuild the docker image after changing the lockfile."),
      ...fillerDocuments(10),
    ]);
    const [result] = index.search("docker lockfile", { now: NOW });
    expect(result?.reasons[0]).toMatch(/^matched .*"docker".*"lockfile"|^matched .*"lockfile".*"docker"/);
    expect(result?.reasons).toContain("updated yesterday");
    expect(result?.reasons).toContain("project scope");
  });

  it("boosts passages from a session that matched elsewhere too", () => {
    const index = new SearchIndex(db, { weights: { recencyWeight: 0 } });
    const turn = (id: string, sessionId: string, body: string): SearchDocument => ({
      id,
      kind: "transcript",
      scope: "session",
      sessionId,
      title: "user",
      body,
      updatedAt: NOW,
    });
    index.upsertMany([
      turn("a1", "a", "the kafka consumer lags behind"),
      turn("a2", "a", "kafka lag came from the rebalance"),
      turn("b1", "b", "the kafka consumer lags behind"),
      turn("b2", "b", "lunch was great"),
    ]);
    const results = index.search("kafka consumer lag", { now: NOW });
    expect(results.findIndex((result) => result.id === "a1")).toBeLessThan(
      results.findIndex((result) => result.id === "b1"),
    );
    expect(results.find((result) => result.id === "a1")?.reasons).toContain("same session as 1 other match");
  });
});

/** Bag-of-letters vectors: deterministic, and texts sharing words end up close. */
class FakeEmbedder implements Embedder {
  readonly model = "fake-letters-v1";
  calls = 0;
  embed(texts: string[]): Promise<Float32Array[]> {
    this.calls += 1;
    return Promise.resolve(
      texts.map((text) => {
        const vector = new Float32Array(26);
        for (const character of text.toLowerCase()) {
          const code = character.charCodeAt(0) - 97;
          if (code >= 0 && code < 26) vector[code]! += 1;
        }
        return vector;
      }),
    );
  }
}

/** What recall does: the stored documents embedded, then the query's vector fused with the lexical ranking. */
async function searchHybrid(
  index: SearchIndex,
  embedder: FakeEmbedder | undefined,
  query: string,
  options: Parameters<SearchIndex["search"]>[1],
) {
  await index.embedPending();
  const [vector] = embedder ? await embedder.embed([query]) : [new Float32Array(26)];
  return index.searchWithVector(query, vector!, options);
}

describe("embeddings seam", () => {
  it("is plain lexical search when no embedder is configured", async () => {
    const index = new SearchIndex(db);
    index.upsert(memory("a", "Zebra", "zebra crossing"));
    expect(await searchHybrid(index, undefined, "zebra", { now: NOW })).toEqual(
      index.search("zebra", { now: NOW }),
    );
    expect(await index.embedPending()).toBe(0);
  });

  it("embeds documents once and finds ones with no shared word", async () => {
    const embedder = new FakeEmbedder();
    const index = new SearchIndex(db, { embedder });
    index.upsertMany([memory("letters", "zzzz", "zzzz zzzz qqqq"), memory("other", "aaaa", "aaaa bbbb")]);
    expect(await index.embedPending()).toBe(2);
    expect(await index.embedPending()).toBe(0);
    // "zzqq" shares no word with any document, so BM25 finds nothing; the vectors do.
    expect(index.search("zzqq", { now: NOW })).toEqual([]);
    const results = await searchHybrid(index, embedder, "zzqq", { now: NOW, limit: 1 });
    expect(results[0]?.id).toBe("letters");
    expect(results[0]?.reasons.some((reason) => reason.startsWith("similar in meaning"))).toBe(true);
  });

  it("re-embeds a document whose text changed", async () => {
    const embedder = new FakeEmbedder();
    const index = new SearchIndex(db, { embedder });
    index.upsert(memory("a", "one", "first text"));
    await index.embedPending();
    index.upsert(memory("a", "one", "second text"));
    expect(await index.embedPending()).toBe(1);
    index.upsert(memory("a", "one", "second text", { updatedAt: NOW }));
    expect(await index.embedPending()).toBe(0);
  });

  it("accepts a custom fusion", async () => {
    const embedder = new FakeEmbedder();
    const index = new SearchIndex(db, {
      embedder,
      // Semantic only: the lexical ranking is ignored.
      fusion: (_lexical, semantic) =>
        new Map(semantic.map((candidate) => [candidate.rowid, candidate.score])),
    });
    index.upsertMany([memory("x", "kafka", "kafka kafka"), memory("y", "zzz", "zzzz zzzz zzzz")]);
    expect((await searchHybrid(index, embedder, "kafka zzzzzzzzzz", { now: NOW, limit: 1 }))[0]?.id).toBe(
      "y",
    );
  });
});
