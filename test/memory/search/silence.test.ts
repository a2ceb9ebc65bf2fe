import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryService } from "../../../src/memory/memory-service.ts";
import { relevantResults } from "../../../src/memory/search/relevance.ts";
import { openTacitDatabase } from "../../../src/memory/tacit-database.ts";

// Memories that say "run", "please", "file" and "fix" about unrelated things: the words a
// coding prompt is wrapped in. Written as real files in a real git repository.
const MEMORIES: Array<[name: string, description: string, body: string]> = [
  [
    "test-command",
    "how to run the tests",
    "Run the unit tests with `npm test`; e2e needs the fake server built first.",
  ],
  [
    "lint-before-push",
    "lint before pushing",
    "Please run `npm run lint` and fix every warning before pushing.",
  ],
  [
    "migrations",
    "schema migrations",
    "Run migrations with `make migrate`; never edit an applied migration file.",
  ],
  [
    "deploy-staging",
    "staging deploys",
    "Staging deploys run from the deploy workflow; it needs the kubeconfig secret.",
  ],
  ["changelog", "release notes", "Every user-visible fix adds a line to the CHANGELOG file."],
  ["plain-fact", "a plain fact", "Plain fact n1499."],
  ["terminal", "terminal multiplexer", "The user splits panes in tmux with prefix then %."],
  ["pool-cache", "the connection pool", "The pool sets statement_cache_mode to describe behind PgBouncer."],
];

describe("recall stays silent when nothing is relevant", () => {
  let root: string;
  let service: MemoryService;
  let database: ReturnType<typeof openTacitDatabase>;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "tacit-silence-"));
    const projectRoot = path.join(root, "project");
    const folder = path.join(projectRoot, ".tacit", "memory");
    mkdirSync(folder, { recursive: true });
    execFileSync("git", ["init", "-q"], { cwd: projectRoot });
    for (const [name, description, body] of MEMORIES) {
      writeFileSync(
        path.join(folder, `${name}.md`),
        `---\nname: ${name}\ndescription: ${description}\ntype: project\n---\n${body}\n`,
      );
    }
    database = openTacitDatabase(path.join(root, "home", "tacit.db"));
    service = new MemoryService({ database, home: path.join(root, "home"), projectRoot });
    expect(service.syncIndex().indexed).toBe(MEMORIES.length);
  });
  afterEach(() => {
    database.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('recalls nothing for "run ls please", though search still finds memories that say "run"', async () => {
    // Search (the memory tool's) still answers: it is asked on purpose.
    expect(service.search("run ls please").length).toBeGreaterThan(0);
    const recall = await service.recall("run ls please");
    expect(recall.items).toEqual([]);
    expect(recall.text).toBe("");
    for (const prompt of ["please fix this file", "run it again", "fix the typo in the readme"]) {
      expect((await service.recall(prompt)).items, prompt).toEqual([]);
    }
  });

  it("still recalls the memory a real question is about", async () => {
    const tests = await service.recall("how do I run the unit tests");
    expect(tests.items[0]?.id).toMatch(/test-command$/);
    // Two of its words the index holds: "migration" alone would lead only if its coverage
    // (diluted by "email", "column" and "users", which no memory holds) reached the threshold.
    const migration = await service.recall("write a schema migration that adds an email column");
    expect(migration.items[0]?.id).toMatch(/migrations$/);
    expect(migration.text).toContain("never edit an applied migration file");
  });

  it("recalls the one memory that holds an identifier the prompt names, among words no memory holds", async () => {
    expect((await service.recall("what about n1499 then")).items[0]?.id).toMatch(/plain-fact$/);
    const pasted =
      "ERROR: statement_cache_mode rejected by the upstream multiplexer (SQLSTATE 08P01), retrying";
    expect((await service.recall(pasted)).items[0]?.id).toMatch(/pool-cache$/);
    // The same words written as prose are words, not a name: one everyday word among unknown ones stays silent.
    const prose = "ERROR: statement rejected by the upstream multiplexer (SQLSTATE), retrying";
    expect((await service.recall(prose)).items).toEqual([]);
  });

  it("lets one rare word lead a long prompt whose other words no memory holds, but not a short one", async () => {
    // Eight carrying words, seven of them unknown here: they dilute the coverage, not the evidence.
    const long = "whats the quickest keyboard shortcut to carve this tmux window vertically";
    expect((await service.recall(long)).items[0]?.id).toMatch(/terminal$/);
    expect((await service.recall("carve this tmux window vertically")).items).toEqual([]);
  });
});

describe("relevantResults", () => {
  type Entry = {
    words: number;
    share: number;
    fewestHolders: number;
    fewestIdentifierHolders?: number;
    promptWords?: number;
  };
  const evidence = (entries: Record<string, Entry>) => () =>
    new Map(
      Object.entries(entries).map(([id, entry]) => [
        id,
        { fewestIdentifierHolders: Number.POSITIVE_INFINITY, promptWords: 1, ...entry },
      ]),
    );

  it("keeps weaker matches only behind a good one, in order", () => {
    const good = { id: "good", coverage: 0.9 };
    const weaker = { id: "weaker", coverage: 0.2 };
    const noise = { id: "noise", coverage: 0.05 };
    expect(relevantResults([good, weaker, noise]).map((result) => result.id)).toEqual(["good", "weaker"]);
    expect(relevantResults([weaker, noise])).toEqual([]);
  });

  it("lets a past turn follow further than a memory file", () => {
    // A conversation's evidence is spread over turns; a memory sharing one word of a request is noise.
    const good = { id: "good", coverage: 0.9, scope: "user" as const };
    const turn = { id: "turn", coverage: 0.2, scope: "session" as const };
    const memory = { id: "memory", coverage: 0.2, scope: "project" as const };
    const close = { id: "close", coverage: 0.35, scope: "local" as const };
    expect(relevantResults([good, turn, memory, close]).map((result) => result.id)).toEqual([
      "good",
      "turn",
      "close",
    ]);
  });

  it("lets one word lead on its coverage only when it singles out a few documents", () => {
    const match = [{ id: "time-zones", coverage: 0.85 }];
    const everyday = evidence({ "time-zones": { words: 1, share: 1, fewestHolders: 12 } });
    expect(relevantResults(match, { evidence: everyday })).toEqual([]);
    const rare = evidence({ "time-zones": { words: 1, share: 1, fewestHolders: 1 } });
    expect(relevantResults(match, { evidence: rare })).toEqual(match);
    // Two words covering the prompt's weightiest lead even below the coverage threshold.
    const low = [{ id: "biking", coverage: 0.3 }];
    expect(
      relevantResults(low, { evidence: evidence({ biking: { words: 2, share: 0.8, fewestHolders: 9 } }) }),
    ).toEqual(low);
    expect(
      relevantResults(low, { evidence: evidence({ biking: { words: 2, share: 0.5, fewestHolders: 9 } }) }),
    ).toEqual([]);
  });

  it("lets two words lead when they come near both bars at once, not near one alone", () => {
    // "the axe check failed on the icon button": coverage 0.49 and share 0.67, each just short of its bar.
    const axe = [{ id: "accessibility", coverage: 0.49 }];
    const near = evidence({ accessibility: { words: 2, share: 0.67, fewestHolders: 1 } });
    expect(relevantResults(axe, { evidence: near })).toEqual(axe);
    expect(relevantResults(axe, { evidence: near, jointEvidence: 1 })).toEqual([]);
    // "write a regex for hex colours": coverage 0.44 and share 0.64 are further off both bars.
    const hex = [{ id: "design-tokens", coverage: 0.44 }];
    const further = evidence({ "design-tokens": { words: 2, share: 0.64, fewestHolders: 1 } });
    expect(relevantResults(hex, { evidence: further })).toEqual([]);
    // Far above one bar does not make up for the other: one word is not two.
    const single = evidence({ accessibility: { words: 1, share: 1, fewestHolders: 9 } });
    expect(relevantResults(axe, { evidence: single })).toEqual([]);
  });

  it("lets an identifier word lead on its own only when a few documents hold it", () => {
    const match = [{ id: "pool", coverage: 0.1 }];
    const named = (holders: number) =>
      evidence({ pool: { words: 1, share: 0.2, fewestHolders: holders, fewestIdentifierHolders: holders } });
    expect(relevantResults(match, { evidence: named(1) })).toEqual(match);
    expect(relevantResults(match, { evidence: named(3) })).toEqual(match);
    expect(relevantResults(match, { evidence: named(4) })).toEqual([]);
    expect(relevantResults(match, { evidence: named(1), identifierHolders: 0 })).toEqual([]);
    // The same rarity from a plain word is not enough at this coverage.
    expect(
      relevantResults(match, { evidence: evidence({ pool: { words: 1, share: 0.2, fewestHolders: 1 } }) }),
    ).toEqual([]);
  });

  it("lets one rare word lead without the coverage only in a long prompt", () => {
    const match = [{ id: "tmux", coverage: 0.2 }];
    const rare = (promptWords: number) =>
      evidence({ tmux: { words: 1, share: 1, fewestHolders: 1, promptWords } });
    expect(relevantResults(match, { evidence: rare(8) })).toEqual(match);
    expect(relevantResults(match, { evidence: rare(7) })).toEqual([]);
    expect(relevantResults(match, { evidence: rare(8), longPrompt: Number.POSITIVE_INFINITY })).toEqual([]);
    const everyday = evidence({ tmux: { words: 1, share: 1, fewestHolders: 4, promptWords: 12 } });
    expect(relevantResults(match, { evidence: everyday })).toEqual([]);
  });

  it("lets meaning alone lead only far above the query's own similarity spread, and follow only as similar as a confirmed one", () => {
    const meaning = [{ id: "meaning", similarity: 0.9 }];
    expect(relevantResults(meaning)).toEqual([]);
    // A weak embedder: 499 other documents at 0.8 ± 0.05, so 0.9 stands out by two deviations.
    const spread = (mean: number, deviation: number) => () => ({
      sum: 499 * mean + 0.9,
      squares: 499 * (deviation * deviation + mean * mean) + 0.81,
      documents: 500,
    });
    const weak = spread(0.8, 0.05);
    expect(relevantResults(meaning, { spread: weak })).toEqual([]);
    expect(relevantResults(meaning, { spread: spread(0.1, 0.1) })).toEqual(meaning);
    const confirmed = { id: "words", coverage: 0.9, similarity: 0.7 };
    const close = { id: "close", similarity: 0.8 };
    const far = { id: "far", similarity: 0.65 };
    expect(relevantResults([confirmed, close, far], { spread: weak }).map((result) => result.id)).toEqual([
      "words",
      "close",
    ]);
  });
});
